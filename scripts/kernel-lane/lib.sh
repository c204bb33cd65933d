# Shared by the real-kernel lane's scripts (sourced, not run). Everything the lane fetches or
# builds lives in the cache, outside the repo; nothing here names a mirror: prepare.sh reads it
# from the machine's own apt sources.
LANE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$LANE_DIR/../.." && pwd)"
LANE_CACHE="${MLX5CTL_LANE_CACHE:-$HOME/.cache/mlx5ctl-kernel-lane}"
# The suite whose kernels have fwctl (>= 6.15); its kernels are built without it, so the lane
# builds the core out of tree.
LANE_SUITE="trixie-backports"
LANE_BASE_SUITE="trixie"
# The suite of the real tools the lane runs unmodified: the first Debian with mstflint's fwctl path
# (mstflint 4.33) and an iproute2 as new as the devlink output the CLI matches (7.x); Debian's
# stable (bookworm: 4.21 and 6.1) and trixie (iproute2 6.15) have neither.
LANE_TOOLS_SUITE="forky"
# Exit codes the lane's callers tell apart (timeout(1) uses 124 too).
EXIT_TIMEOUT=124
EXIT_GUEST_FAILED=125
EXIT_UNAVAILABLE=3

lane_log() { printf '[kernel-lane] %s\n' "$*" >&2; }
lane_die() { lane_log "error: $*"; exit 1; }
# The lane cannot run on this machine; callers decide whether that is a failure (CI) or a skip.
lane_unavailable() { lane_log "unavailable: $*"; exit "$EXIT_UNAVAILABLE"; }
# What a test script does when its tests cannot run here: fail in CI (CI=true), where they must
# run, and say what was skipped elsewhere. $1 names the tests, $2 says why.
lane_skip_or_fail() {
  if [ "${CI:-}" = true ]; then lane_die "the $1 must run in CI: $2"; fi
  lane_log "SKIPPED the $1: $2"
  exit 0
}

# The artifacts prepare.sh leaves, once it has finished.
lane_kver_file() { echo "$LANE_CACHE/kver"; }
lane_kver() { cat "$(lane_kver_file)" 2>/dev/null || true; }
lane_artifacts() {
  local kver; kver="$(lane_kver)"
  echo "$LANE_CACHE/boot/$kver/vmlinuz"
  echo "$LANE_CACHE/boot/$kver/initramfs.gz"
  echo "$LANE_CACHE/boot/$kver/modules"
  lane_tools_root
}
# A minbase root of $LANE_TOOLS_SUITE with the real tools (iproute2, mstflint), run through
# chroot(8); "versions" lists what it holds.
lane_tools_root() { echo "$LANE_CACHE/tools-$LANE_TOOLS_SUITE"; }
lane_prepared() {
  [ -n "$(lane_kver)" ] || return 1
  local f
  for f in $(lane_artifacts); do [ -e "$f" ] || return 1; done
  [ -e "$LANE_CACHE/boot/$(lane_kver)/stamp-$(lane_inputs_hash)" ]
}
# Rebuild when the driver or the guest scripts change.
lane_inputs_hash() {
  cat "$LANE_DIR/prepare.sh" "$LANE_DIR/guest-init.sh" "$REPO_ROOT"/test/kernel/fwctl_mlx5_sim/* 2>/dev/null | sha256sum | cut -c1-16
}
