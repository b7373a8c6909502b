#!/usr/bin/env bash
# Runs every benchmark in its quick mode, so a benchmark that no longer runs (or prints no figure) fails the build
# instead of leaving a stale README. The figures of a quick run mean little; that the scripts produce them is the
# point. Needs root (network namespaces) and what scripts/setup-test-machine.sh installs.
# Usage: bash scripts/bench-smoke.sh   (after "mvn install"; BENCH_SMOKE_BUILD=1 builds first)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_SMOKE_BUILD:-0}" = 1 ]; then
  mvn -B -q -ntp -DskipTests install
fi
export CARSIGHT_BENCH_BUILT=1
log=$(mktemp -d /tmp/carsight-bench-smoke.XXXXXX)
total=$SECONDS
for bench in "latency-lab.sh --quick" "streamer-benchmark.sh --quick" "console-benchmark.sh --quick" "soak.sh --quick" \
    "pi-budget.sh --quick" "road.sh --quick"; do
  name=${bench%% *}
  start=$SECONDS
  if ! bash bench/$bench > "$log/${name%.sh}.log" 2>&1; then
    echo "bench smoke: bench/$bench failed after $((SECONDS - start)) s:" >&2
    tail -40 "$log/${name%.sh}.log" >&2
    exit 1
  fi
  echo "bench smoke: bench/$bench ran in $((SECONDS - start)) s"
done
echo "bench smoke: all benchmarks ran in $((SECONDS - total)) s (logs: $log)"
