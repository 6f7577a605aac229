#!/usr/bin/env bash
# Runs a command with the real services the tests need, each started here and stopped by its
# PID when the command ends (however it ends): a virtual X display for the desktop app and a
# throwaway PostgreSQL cluster (tests create their own databases in it). Tests that capture
# played audio start their own PulseAudio daemons.
#   scripts/with-services.sh cargo nextest run --workspace
set -euo pipefail

state=$(mktemp -d "${TMPDIR:-/tmp}/shrimp-services.XXXXXX")
pids=()
# How to stop PostgreSQL and wait until it has (set once it runs).
stop_postgres=()

cleanup() {
  local pid
  # PostgreSQL writes while it shuts down; removing its folder before it is gone fails.
  if [ ${#stop_postgres[@]} -gt 0 ]; then
    "${stop_postgres[@]}" >/dev/null 2>&1 || true
  fi
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
    # A process that is not this shell's child cannot be waited for: watch it go instead.
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
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

# A throwaway PostgreSQL cluster on a free port, reachable through a socket in $state.
start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (make setup-test installs it)" >&2; exit 1; }
  local dir="$state/pg" port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$dir"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    chmod 755 "$state"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; exit 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$dir/log" >&2; exit 1; }
  pids+=("$(head -1 "$dir/data/postmaster.pid")")
  stop_postgres=("${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop)
  export SHRIMP_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "with-services: PostgreSQL on port $port (pid ${pids[-1]})"
}

start_xvfb
start_postgres

# Not exec: the trap must run after the command to stop the services.
"$@"
