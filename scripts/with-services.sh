#!/usr/bin/env bash
# Runs a command with the real services the tests need, each started here and stopped by its
# PID when the command ends (however it ends): a virtual X display for the desktop app.
#   scripts/with-services.sh cargo nextest run --workspace
set -euo pipefail

state=$(mktemp -d "${TMPDIR:-/tmp}/shrimp-services.XXXXXX")
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$state"
}
trap cleanup EXIT INT TERM

# A free display number, claimed by Xvfb itself through -displayfd.
start_xvfb() {
  local fifo="$state/display"
  mkfifo "$fifo"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$fifo" >"$state/xvfb.log" 2>&1 &
  pids+=($!)
  local display
  if ! read -r -t 20 display <"$fifo"; then
    echo "Xvfb did not start:" >&2
    cat "$state/xvfb.log" >&2
    exit 1
  fi
  export DISPLAY=":$display"
  echo "with-services: Xvfb on $DISPLAY (pid ${pids[-1]})"
}

start_xvfb

# Not exec: the trap must run after the command to stop the services.
"$@"
