#!/usr/bin/env bash
# In the lane's guest (run-in-vm.sh guest-env.sh COMMAND...): loads the out-of-tree fwctl core,
# psample and netdevsim, and the test driver fwctl_mlx5_sim; starts the firmware model
# (test/kernel/fw_model_server.ts, built to dist/ by test.sh) and waits until it serves the
# driver; then runs COMMAND and stops the model again. iproute2's devlink is the host's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BOOT="$LANE_CACHE/boot/$(lane_kver)"
[ -e /run/mlx5ctl-lane/marker ] || lane_die "not in the lane's guest (run it through run-in-vm.sh)"

while read -r m; do
  grep -q "^$m " /proc/modules || busybox insmod "$BOOT/modules/$m.ko" || lane_die "insmod $m failed"
done < "$BOOT/modules/guest.order"

MODEL_JS="$REPO_ROOT/dist/test/kernel/fw_model_server.js"
[ -e "$MODEL_JS" ] || lane_die "$MODEL_JS missing (npx tsc -p tsconfig.model.json)"
node "$MODEL_JS" &
MODEL_PID=$!
trap 'kill "$MODEL_PID" 2>/dev/null || true' EXIT
ATTACHED=/sys/kernel/debug/fwctl_mlx5_sim/model_attached
for _ in $(seq 600); do
  [ "$(cat "$ATTACHED")" = 1 ] && break
  kill -0 "$MODEL_PID" 2>/dev/null || lane_die "the firmware model exited"
  sleep 0.2
done
[ "$(cat "$ATTACHED")" = 1 ] || lane_die "the firmware model did not attach"
"$@"
