/**
 * The ioctl table: command number → handler, as fwctl's IOCTL_OP table. Anything not listed
 * is ENOTTY. Sizes are checked by each handler in its uAPI's own order.
 */
import { MLX5CTLD_ADMIN } from '../uapi/control';
import { FWCTL_INFO } from '../uapi/fwctl';
import { MLX5CTL_IOCTL_INFO } from '../uapi/mlx5ctl';
import { adminHandler } from './handlers/admin';
import { fwctlInfoHandler, mlx5ctlInfoHandler } from './handlers/info';
import { DispatchEntry } from './types';

export function buildDispatch(extra: DispatchEntry[] = []): Map<number, DispatchEntry> {
  const entries: DispatchEntry[] = [
    { cmd: MLX5CTL_IOCTL_INFO, name: 'MLX5CTL_IOCTL_INFO', handler: mlx5ctlInfoHandler },
    { cmd: FWCTL_INFO, name: 'FWCTL_INFO', handler: fwctlInfoHandler },
    { cmd: MLX5CTLD_ADMIN, name: 'MLX5CTLD_ADMIN', handler: adminHandler },
    ...extra,
  ];
  return new Map(entries.map((e) => [e.cmd, e]));
}
