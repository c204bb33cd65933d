/** The `devlink` command layer of mlx5ctl (iproute2-compatible), transport-independent. */
export { runDevlink, DEVLINK_USAGE, DEVLINK_VERSION, type RunDevlinkOptions, type Output } from './devlink';
