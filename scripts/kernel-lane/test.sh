#!/usr/bin/env bash
# `npm run test:kernel`: prepares the lane (cached), builds the project, then boots the lane's
# kernel and runs the real-kernel tests (test/kernel, jest.kernel.config.js) in the guest.
# Without root, QEMU or the packages it says what it skipped and exits 0, except in CI (CI=true),
# where the lane must run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

skip_or_fail() { lane_skip_or_fail "real-kernel tests" "$1"; }

set +e
bash "$LANE_DIR/prepare.sh"
status=$?
set -e
[ "$status" -eq "$EXIT_UNAVAILABLE" ] && skip_or_fail "prepare.sh could not prepare the lane (see above)"
[ "$status" -eq 0 ] || exit "$status"
command -v qemu-system-x86_64 >/dev/null || skip_or_fail "no qemu-system-x86_64 (Debian package qemu-system-x86)"

npx tsc -p tsconfig.build.json
npx tsc -p tsconfig.model.json
START=$SECONDS
set +e
# The guest's console is a tty: jest's output goes through a pipe so it prints no live status.
bash "$LANE_DIR/run-in-vm.sh" bash "$LANE_DIR/guest-env.sh" \
  bash -c 'node node_modules/jest/bin/jest.js -c "$0" --ci "$@" 2>&1 | cat; exit "${PIPESTATUS[0]}"' "${LANE_JEST_CONFIG:-jest.kernel.config.js}" "$@"
status=$?
set -e
lane_log "guest run: $((SECONDS - START)) s, exit $status"
exit "$status"
