#!/usr/bin/env bash
# Runs the whole unit suite RUNS times (default 20) while HOGS busy loops (default: one per core)
# keep every core saturated, to flush out tests that depend on timing between threads.
# Every run goes on even after a failure, so the closing count is the whole picture; the log of
# each run is kept in target/stress/run-N.log.
#   scripts/stress-unit-tests.sh [RUNS] [HOGS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
hogs=${2:-$(nproc)}

./mvnw -B -q test-compile
mkdir -p target/stress
pids=()
for _ in $(seq "$hogs"); do
    ( while :; do :; done ) &
    pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

passed=0
failed=0
for i in $(seq "$runs"); do
    log="target/stress/run-$i.log"
    start=$(date +%s)
    if ./mvnw -B -o surefire:test >"$log" 2>&1; then
        passed=$((passed + 1))
        verdict=passed
    else
        failed=$((failed + 1))
        verdict="FAILED: $(grep -E '^\[ERROR\] +[A-Za-z.]+Test\.' "$log" | head -3 | tr '\n' ' ')"
    fi
    echo "run $i/$runs ($(( $(date +%s) - start )) s, $hogs busy loops): $(grep -E 'Tests run:' "$log" | tail -1 | sed 's/\[[A-Z]*\] //') $verdict"
done
echo "stress: $passed runs passed, $failed runs failed"
[ "$failed" -eq 0 ]
