/**
 * The ioctl table: command number → handler, as fwctl's IOCTL_OP table. Anything not listed
 * is ENOTTY. Sizes are checked by each handler in its uAPI's own order.
 */
import { MLX5CTLD_ADMIN, MLX5CTLD_CRSPACE, MLX5CTLD_DEVLINK, MLX5CTLD_SIM } from '../uapi/control';
import { FWCTL_INFO, FWCTL_RPC } from '../uapi/fwctl';
import { MLX5CTL_IOCTL_CMDRPC, MLX5CTL_IOCTL_INFO, MLX5CTL_IOCTL_UMEM_REG, MLX5CTL_IOCTL_UMEM_UNREG } from '../uapi/mlx5ctl';
import { adminHandler } from './handlers/admin';
import { crspaceHandler } from './handlers/crspace';
import { devlinkHandler } from './handlers/devlink';
import { fwctlInfoHandler, mlx5ctlInfoHandler } from './handlers/info';
import { cmdrpcHandler, fwctlRpcHandler } from './handlers/rpc';
import { simHandler } from './handlers/sim';
import { umemRegHandler, umemUnregHandler } from './handlers/umem';
import { DispatchEntry } from './types';

export function buildDispatch(extra: DispatchEntry[] = []): Map<number, DispatchEntry> {
  const entries: DispatchEntry[] = [
    { cmd: MLX5CTL_IOCTL_INFO, name: 'MLX5CTL_IOCTL_INFO', handler: mlx5ctlInfoHandler },
    { cmd: MLX5CTL_IOCTL_CMDRPC, name: 'MLX5CTL_IOCTL_CMDRPC', handler: cmdrpcHandler },
    // The only ioctl that takes an fd: the memfd holding the buffer to register.
    { cmd: MLX5CTL_IOCTL_UMEM_REG, name: 'MLX5CTL_IOCTL_UMEM_REG', handler: umemRegHandler, fds: 1 },
    { cmd: MLX5CTL_IOCTL_UMEM_UNREG, name: 'MLX5CTL_IOCTL_UMEM_UNREG', handler: umemUnregHandler },
    { cmd: FWCTL_INFO, name: 'FWCTL_INFO', handler: fwctlInfoHandler },
    { cmd: FWCTL_RPC, name: 'FWCTL_RPC', handler: fwctlRpcHandler },
    { cmd: MLX5CTLD_ADMIN, name: 'MLX5CTLD_ADMIN', handler: adminHandler },
    { cmd: MLX5CTLD_DEVLINK, name: 'MLX5CTLD_DEVLINK', handler: devlinkHandler },
    { cmd: MLX5CTLD_SIM, name: 'MLX5CTLD_SIM', handler: simHandler },
    { cmd: MLX5CTLD_CRSPACE, name: 'MLX5CTLD_CRSPACE', handler: crspaceHandler },
    ...extra,
  ];
  return new Map(entries.map((e) => [e.cmd, e]));
}
