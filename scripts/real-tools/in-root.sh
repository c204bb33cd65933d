#!/usr/bin/env bash
# Runs inside a private mount namespace (the harness starts it with `unshare --mount`, or
# `unshare --user --map-root-user --mount` without root): shows the tools root this machine's /tmp
# (the broker's run directory, wrap's private sysfs tree and a copy of the shim) and /proc, then
# runs `mlx5ctl wrap -- chroot ROOT PROGRAM ARGS...` with the CLI on the host. The program is the
# root's own, unmodified; only the shim (built here, on the host) is preloaded into it. Nothing is
# written into the root, so a root prepared by someone else serves as it is.
#   in-root.sh ROOT RUNDIR PROGRAM [ARGS...]
set -euo pipefail
root="$1" rundir="$2"
shift 2
repo="$(cd "$(dirname "$0")/../.." && pwd)"
case "$rundir" in
  /tmp/*) ;;
  *) echo "in-root.sh: the run directory must be under /tmp (the part of this machine the root sees): $rundir" >&2; exit 2 ;;
esac
mount --rbind /tmp "$root/tmp"
mount --rbind /proc "$root/proc"
scratch="$(mktemp -d /tmp/mlx5ctl-real-tools-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
cp "$repo/build/Release/libmlx5ctl_shim.so" "$scratch/"
set +e
MLX5CTL_SHIM="$scratch/libmlx5ctl_shim.so" node "$repo/dist/tools/mlx5ctl/main.js" --rundir "$rundir" wrap -- chroot "$root" "$@"
status=$?
set -e
exit "$status"
