#!/usr/bin/env bash
# Starts the Tether sample on Open Liberty, in the background, from any directory, on a machine
# with only a JDK (the Maven wrapper downloads Maven, Maven downloads Open Liberty):
#
#   liberty-sample/run.sh                                        # DEVELOPMENT ONLY embedded broker
#   TETHER_URI=amqp://user:pass@rabbit:5672/ liberty-sample/run.sh   # your RabbitMQ
#   HTTP_PORT=9081 liberty-sample/run.sh                         # another HTTP port (default 9080)
#
# 1. installs the library into ~/.m2 and builds and prepares the server (war in apps/);
# 2. when TETHER_URI is unset, starts the DEVELOPMENT ONLY broker (Apache Qpid Broker-J, not
#    RabbitMQ, in memory) as its own java process on 127.0.0.1:5673; pid in target/dev-broker.pid,
#    log in target/dev-broker.log;
# 3. starts Liberty server tether-sample (TETHER_URI and HTTP_PORT pass through the environment)
#    and waits until the application answers. Stop everything with liberty-sample/stop.sh.
set -euo pipefail

SAMPLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$SAMPLE_DIR")
TARGET="$SAMPLE_DIR/target"
SERVER=tether-sample
WLP="$TARGET/liberty/wlp"
MESSAGES_LOG="$WLP/usr/servers/$SERVER/logs/messages.log"
HTTP_PORT=${HTTP_PORT:-9080}
DEV_BROKER_PORT=5673
DEV_BROKER_PID="$TARGET/dev-broker.pid"
DEV_BROKER_LOG="$TARGET/dev-broker.log"
START_TIMEOUT=${START_TIMEOUT:-180}

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
command -v "$JAVA" >/dev/null || { echo "run.sh: no java found: install a JDK 17 or later (or set JAVA_HOME)" >&2; exit 1; }

say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nrun.sh: %s\n' "$*" >&2; exit 1; }

# Whether something accepts TCP connections on 127.0.0.1:$1 (bash only, no curl or nc needed).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The HTTP status of GET http://127.0.0.1:$HTTP_PORT$1, or nothing (bash only).
http_status() {
  local line
  line=$( (exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT" || exit 0
           printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$1" >&3
           IFS= read -r -t 5 reply <&3 && printf '%s' "$reply") 2>/dev/null || true)
  if [[ $line =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]]; then echo "${BASH_REMATCH[1]}"; fi
}

print_log_tail() {
  if [[ -f "$MESSAGES_LOG" ]]; then
    echo "---- errors in $MESSAGES_LOG" >&2
    grep -E '^\[.*\] [0-9a-f]+ +[^ ]+ +E ' "$MESSAGES_LOG" | cut -c1-600 >&2 || true
    echo "---- last lines of $MESSAGES_LOG" >&2
    tail -n 30 "$MESSAGES_LOG" | cut -c1-600 >&2
  else
    echo "(no $MESSAGES_LOG; see $WLP/usr/servers/$SERVER/logs/)" >&2
  fi
}

if [[ -x "$WLP/bin/server" ]] && "$WLP/bin/server" status "$SERVER" >/dev/null 2>&1; then
  say "Stopping the running server $SERVER first"
  "$WLP/bin/server" stop "$SERVER" >/dev/null
fi

say "Installing the Tether library into ~/.m2"
(cd "$ROOT_DIR" && ./mvnw -q -B install -DskipTests)

say "Building the sample and preparing Liberty server $SERVER (the first run unpacks Open Liberty)"
(cd "$ROOT_DIR" && ./mvnw -q -B -f liberty-sample/pom.xml package liberty:create liberty:deploy)

if [[ -z "${TETHER_URI:-}" ]]; then
  if [[ -f "$DEV_BROKER_PID" ]] && kill -0 "$(cat "$DEV_BROKER_PID")" 2>/dev/null && port_open "$DEV_BROKER_PORT"; then
    say "DEVELOPMENT ONLY broker already running (pid $(cat "$DEV_BROKER_PID")) on 127.0.0.1:$DEV_BROKER_PORT"
  elif port_open "$DEV_BROKER_PORT"; then
    say "Something already listens on 127.0.0.1:$DEV_BROKER_PORT; using it as the broker (not started by run.sh)"
  else
    say "TETHER_URI is unset: starting the DEVELOPMENT ONLY broker (Apache Qpid Broker-J) on 127.0.0.1:$DEV_BROKER_PORT"
    [[ -f "$TARGET/dev-broker.classpath" ]] || fail "missing $TARGET/dev-broker.classpath (the build should have written it)"
    nohup "$JAVA" -Xms32m -Xmx256m -XX:MaxDirectMemorySize=256m \
        -cp "$TARGET/test-classes:$(cat "$TARGET/dev-broker.classpath")" \
        dev.tether.sample.devbroker.DevBroker "$DEV_BROKER_PORT" "$TARGET/dev-broker-work" \
        </dev/null >"$DEV_BROKER_LOG" 2>&1 &
    echo $! >"$DEV_BROKER_PID"
    for ((i = 0; i < 600; i++)); do
      port_open "$DEV_BROKER_PORT" && break
      kill -0 "$(cat "$DEV_BROKER_PID")" 2>/dev/null || { tail -n 30 "$DEV_BROKER_LOG" >&2; rm -f "$DEV_BROKER_PID"; fail "the dev broker exited; log: $DEV_BROKER_LOG"; }
      sleep 0.1
    done
    port_open "$DEV_BROKER_PORT" || fail "the dev broker did not listen on 127.0.0.1:$DEV_BROKER_PORT within 60 s; log: $DEV_BROKER_LOG"
    echo "    pid $(cat "$DEV_BROKER_PID"), log $DEV_BROKER_LOG"
  fi
else
  say "TETHER_URI is set: using that broker (no dev broker)"
fi

if port_open "$HTTP_PORT"; then
  fail "port $HTTP_PORT is already in use; stop what listens there or choose another with HTTP_PORT=..."
fi

say "Starting Open Liberty server $SERVER on port $HTTP_PORT"
export HTTP_PORT
"$WLP/bin/server" start "$SERVER" || { print_log_tail; fail "server start failed"; }

# 'server start' returns once the JVM runs, whether or not the application deployed: ask the app
# (not /health/ready, which also answers, 503, when the application failed to start).
# CWWKZ0012I "application was not started" is how Liberty reports a failed CDI deployment.
deadline=$((SECONDS + START_TIMEOUT))
status=""
while ((SECONDS < deadline)); do
  status=$(http_status /api/status)
  [[ $status == 200 ]] && break
  if [[ -f "$MESSAGES_LOG" ]] && grep -qE 'CWWKZ0002E|CWWKZ0004E|CWWKZ0012I|CWWKZ0013E|CWWKZ0014W|CWWKZ0106E' "$MESSAGES_LOG"; then
    print_log_tail; fail "the application did not deploy (see above); stop the server with $SAMPLE_DIR/stop.sh"
  fi
  "$WLP/bin/server" status "$SERVER" >/dev/null 2>&1 || { print_log_tail; fail "the server stopped during start-up"; }
  sleep 0.5
done
if [[ $status != 200 ]]; then
  print_log_tail
  fail "the application did not answer on http://localhost:$HTTP_PORT/api/status within ${START_TIMEOUT} s; stop with $SAMPLE_DIR/stop.sh"
fi

if [[ -n "${TETHER_URI:-}" ]]; then
  broker="TETHER_URI from the environment: $(sed -E 's#(//[^:@/]*):[^@/]*@#\1:***@#' <<<"$TETHER_URI")"
else
  broker="DEVELOPMENT ONLY Qpid broker on 127.0.0.1:$DEV_BROKER_PORT (log $DEV_BROKER_LOG)"
fi
cat <<EOT

Tether sample is running (in the background).
  page:     http://localhost:$HTTP_PORT/
  status:   http://localhost:$HTTP_PORT/api/status
  publish:  curl -H 'Content-Type: text/plain' -d 'hello' http://localhost:$HTTP_PORT/api/messages
  health:   http://localhost:$HTTP_PORT/health/ready
  broker:   $broker
  logs:     $MESSAGES_LOG
Stop with:  $SAMPLE_DIR/stop.sh
EOT
