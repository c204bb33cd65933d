#!/usr/bin/env bash
# `npm run test:tools`: the real, unmodified mstflint 4.33 tools (the kernel lane's tools root,
# Debian forky) against a broker on the simulated ConnectX-7, under `mlx5ctl wrap`, on the host
# (test/real_tools, jest.real-tools.config.js). Without root, the tools root or a mount namespace
# it says what it skipped and exits 0, except in CI (CI=true), where the tests must run.
set -euo pipefail
source "$(dirname "$0")/../kernel-lane/lib.sh"
cd "$REPO_ROOT"

skip_or_fail() { lane_skip_or_fail "real-tools tests" "$1"; }

ROOT_DIR="$(lane_tools_root)"
if [ "$(id -u)" -eq 0 ]; then
  set +e
  bash "$LANE_DIR/prepare.sh"
  status=$?
  set -e
  [ "$status" -eq "$EXIT_UNAVAILABLE" ] && skip_or_fail "prepare.sh could not prepare the tools root (see above)"
  [ "$status" -eq 0 ] || exit "$status"
  UNSHARE=(unshare --mount)
else
  # Preparing needs root; a tools root prepared earlier (MLX5CTL_LANE_CACHE) is used as it is.
  [ -x "$ROOT_DIR/usr/bin/mstreg" ] || skip_or_fail "no tools root at $ROOT_DIR, and preparing one needs root"
  UNSHARE=(unshare --user --map-root-user --mount)
fi
grep -q '^mstflint 4\.33' "$ROOT_DIR/versions" || skip_or_fail "$ROOT_DIR has $(grep mstflint "$ROOT_DIR/versions"), not mstflint 4.33"
"${UNSHARE[@]}" chroot "$ROOT_DIR" true 2>/dev/null \
  || skip_or_fail "this kernel refuses ${UNSHARE[*]} and chroot (unprivileged user namespaces disabled?)"

npx tsc -p tsconfig.build.json
START=$SECONDS
set +e
npx jest -c jest.real-tools.config.js "$@"
status=$?
set -e
lane_log "real-tools tests: $((SECONDS - START)) s, exit $status"
exit "$status"
