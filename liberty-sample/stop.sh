#!/usr/bin/env bash
# Stops what liberty-sample/run.sh started: Liberty server tether-sample and, when run.sh started
# it, the DEVELOPMENT ONLY broker (pid in target/dev-broker.pid). Works from any directory.
set -uo pipefail

SAMPLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET="$SAMPLE_DIR/target"
SERVER=tether-sample
WLP="$TARGET/liberty/wlp"
DEV_BROKER_PID="$TARGET/dev-broker.pid"
status=0

# The command line of process $1 (Linux /proc, else ps).
command_of() {
  if [[ -r "/proc/$1/cmdline" ]]; then tr '\0' ' ' <"/proc/$1/cmdline"; else ps -o args= -p "$1" 2>/dev/null; fi
}

if [[ -x "$WLP/bin/server" ]]; then
  if "$WLP/bin/server" status "$SERVER" >/dev/null 2>&1; then
    echo "Stopping Open Liberty server $SERVER"
    "$WLP/bin/server" stop "$SERVER" >/dev/null || { echo "stop.sh: server stop failed" >&2; status=1; }
  else
    echo "Open Liberty server $SERVER is not running"
  fi
fi

if [[ -f "$DEV_BROKER_PID" ]]; then
  pid=$(cat "$DEV_BROKER_PID")
  # Only the process run.sh started: the pid must still be a java running DevBroker.
  if kill -0 "$pid" 2>/dev/null && command_of "$pid" | grep -q 'dev.tether.sample.devbroker.DevBroker'; then
    echo "Stopping the DEVELOPMENT ONLY broker (pid $pid)"
    kill "$pid"
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "The dev broker did not stop within 15 s; killing it" >&2
      kill -9 "$pid" 2>/dev/null
    fi
  else
    echo "The DEVELOPMENT ONLY broker is not running"
  fi
  rm -f "$DEV_BROKER_PID"
fi
exit $status
