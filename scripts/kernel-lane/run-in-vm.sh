#!/usr/bin/env bash
# Runs one command in the lane's guest: the prepared Debian kernel under QEMU (TCG), the host's
# tree shared read-only over virtio-9p (the command sees the same paths, as root, with its own
# /tmp and /run), and propagates its exit code.
#   run-in-vm.sh [--] COMMAND [ARG...]
# Exit: the command's code; 124 when LANE_VM_TIMEOUT (s, default 1800) ran out; 125 when the guest
# failed before reporting one; 3 when the lane is not prepared or QEMU is missing.
# Environment passed to the command: PATH, HOME, CI, TERM, MLX5CTL_LANE_CACHE, LANE_* and the
# variables named in LANE_PASS_ENV (space-separated). The working directory is the caller's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || lane_die "usage: run-in-vm.sh COMMAND [ARG...]"
QEMU="$(command -v qemu-system-x86_64 || true)"
[ -n "$QEMU" ] || lane_unavailable "no qemu-system-x86_64 (Debian package qemu-system-x86)"
lane_prepared || lane_unavailable "not prepared (scripts/kernel-lane/prepare.sh)"
BOOT="$LANE_CACHE/boot/$(lane_kver)"

RUNDIR="$(mktemp -d "${TMPDIR:-/tmp}/mlx5ctl-lane-run.XXXXXX")"
QEMU_PID=""
cleanup() {
  [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null || true
  rm -rf "$RUNDIR"
}
trap cleanup EXIT

{
  echo "export MLX5CTL_LANE_CACHE=$(printf %q "$LANE_CACHE")"
  for var in PATH HOME CI TERM $(compgen -e | grep '^LANE_' || true) ${LANE_PASS_ENV:-}; do
    [ -n "${!var+x}" ] && echo "export $var=$(printf %q "${!var}")"
  done
  echo "cd $(printf %q "$PWD") || exit 125"
  printf 'exec'; printf ' %q' "$@"; echo
} > "$RUNDIR/job.sh"

# The guest mounts tmpfs over /tmp and /run (the host's tree is shared read-only), which would
# hide a checkout or a lane cache under them (CI may clone into /tmp): both are shared on their
# own and mounted again at their own paths, over the tmpfs.
printf '%s %s\n' repo "$REPO_ROOT" cache "$LANE_CACHE" > "$RUNDIR/mounts"

# The guest has no clock source worth the name under TCG and no network: loopback only.
set +e
timeout --foreground -k 10 "${LANE_VM_TIMEOUT:-1800}" "$QEMU" -accel tcg -cpu max -smp 2 -m "${LANE_VM_MEMORY:-2048}" \
  -nographic -no-reboot -nic none \
  -kernel "$BOOT/vmlinuz" -initrd "$BOOT/initramfs.gz" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1" \
  -virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$RUNDIR,mount_tag=lane,security_model=none" \
  -virtfs "local,path=$REPO_ROOT,mount_tag=repo,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$LANE_CACHE,mount_tag=cache,security_model=none,readonly=on,multidevs=remap" \
  < /dev/null | tr -d '\r'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 124 ] && { lane_log "guest timed out after ${LANE_VM_TIMEOUT:-1800} s"; exit "$EXIT_TIMEOUT"; }
if [ ! -s "$RUNDIR/exit" ]; then
  lane_log "the guest ended without the command's exit code (qemu exit $status)"
  exit "$EXIT_GUEST_FAILED"
fi
exit "$(cat "$RUNDIR/exit")"
