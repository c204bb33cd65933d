#!/usr/bin/env bash
# Runs inside a private mount namespace (the harness starts it with `unshare --mount`, or
# `unshare --user --map-root-user --mount` without root): makes the repo, /tmp (the broker's run
# directory and wrap's private sysfs tree) and /proc visible at the same paths inside the tools
# root, then runs `mlx5ctl wrap -- chroot ROOT PROGRAM ARGS...`. The program is the root's own,
# unmodified; only the shim (built here, on the host) is preloaded into it.
#   in-root.sh ROOT RUNDIR PROGRAM [ARGS...]
set -euo pipefail
root="$1" rundir="$2"
shift 2
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bind() {
  mkdir -p "$root$1"
  mount --rbind "$1" "$root$1"
}
bind "$repo"
bind /tmp
case "$rundir" in /tmp/*) ;; *) bind "$rundir" ;; esac
bind /proc
exec node "$repo/dist/tools/mlx5ctl/main.js" --rundir "$rundir" wrap -- chroot "$root" "$@"
