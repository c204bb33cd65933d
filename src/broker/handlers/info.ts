/**
 * MLX5CTL_IOCTL_INFO and FWCTL_INFO: who this open file is to the firmware.
 */
import { Errno, ErrnoError } from '../../uapi/errno';
import { FWCTL_INFO_MIN_SIZE, FwctlDeviceType, fwctlInfo, fwctlInfoMlx5 } from '../../uapi/fwctl';
import { mlx5ctlInfo } from '../../uapi/mlx5ctl';
import { checkZeroTail, decodeStruct, encodeStruct } from '../../uapi/struct';
import { Reply, Request } from '../types';

/** _IOR: the input bytes are not read; the reply is the filled struct. */
export function mlx5ctlInfoHandler(req: Request): Reply {
  const s = req.session;
  const info = encodeStruct(mlx5ctlInfo, {
    uctx_uid: s.fwUid,
    uctx_cap: s.uctxCap,
    dev_uctx_cap: s.device.devUctxCap,
    ucap: s.ucap,
  });
  return { parts: [info] };
}

/**
 * fwctl_cmd_info: size below the minimum → EINVAL; unknown non-zero tail → E2BIG; flags → EOPNOTSUPP.
 * The mlx5 blob (uid, uctx_caps) is sent as min(device_data_len, 8) bytes: the caller zero-pads
 * the rest of its buffer, as the kernel's copy_to_user_zero_pad would.
 */
export function fwctlInfoHandler(req: Request): Reply {
  if (req.arg.length < FWCTL_INFO_MIN_SIZE) throw new ErrnoError(Errno.EINVAL, 'fwctl_info.size too small');
  checkZeroTail(fwctlInfo, req.arg);
  const info = decodeStruct(fwctlInfo, req.arg);
  if (info.flags !== 0) throw new ErrnoError(Errno.EOPNOTSUPP, 'fwctl_info.flags must be 0');
  const blob = encodeStruct(fwctlInfoMlx5, { uid: req.session.fwUid, uctx_caps: req.session.uctxCap });
  const userLen = Number(info.device_data_len);
  const out = Buffer.alloc(req.arg.length);
  encodeStruct(fwctlInfo, {
    ...info,
    out_device_type: FwctlDeviceType.MLX5,
    device_data_len: blob.length,
  }).copy(out);
  return { parts: [out, blob.subarray(0, Math.min(userLen, blob.length))] };
}
