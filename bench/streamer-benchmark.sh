#!/usr/bin/env bash
# Streamer cost benchmark: CPU seconds per minute, peak RSS, and per-frame "access unit in -> last packet sent"
# (p50/p99) for 1280x720@30 at about 4 Mbit/s from the file camera, with 1 and with 4 webrtc-java viewers.
# Runs inside network namespaces it creates (198.51.100.0/24) and removes; needs root, ffmpeg, iproute2.
# Usage: bash bench/streamer-benchmark.sh [SECONDS | --quick]   (default 60 per run; --quick: 10 s, a smoke check)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
counts="1 4"
if [ "$seconds" = --quick ]; then seconds=10; counts=1; fi
work=$(mktemp -d /tmp/carsight-bench.XXXXXX)
source bench/lib.sh

cp=$(bench_streamer_classpath "$work")
bench_clip "$work/clip.h264" $([ "$counts" = 1 ] && echo 4 || echo 20)
bench_namespaces csbench-s csbench-v csbench
ns_s=csbench-s
ns_v=csbench-v

hz=$(getconf CLK_TCK)

printf '%-8s %12s %12s %14s %14s %10s\n' viewers "cpu s/min" "peak RSS MB" "AU→sent p50 µs" "AU→sent p99 µs" "fps seen"
for viewers in $counts; do
  ip netns exec $ns_s java -Xmx128m -XX:+UseSerialGC -jar pi-streamer/target/carsight-streamer.jar \
      --camera "file:$work/clip.h264" --listen 198.51.100.1:8080 --token bench-token-123 \
      --state-dir "$work/state" > "$work/streamer-$viewers.log" 2>&1 &
  spid=$! # ip netns exec runs java in its own place
  bench_wait_listening "$work/streamer-$viewers.log"
  pids=()
  for v in $(seq 1 "$viewers"); do
    ip netns exec $ns_v java -Xmx256m -cp "$cp" carsight.streamer.it.WebrtcReceiverProbe \
        http://198.51.100.1:8080 bench-token-123 "$seconds" "$work/probe-$viewers-$v.json" > "$work/probe-$viewers-$v.log" 2>&1 &
    pids+=($!)
  done
  sleep 3
  start=$(cpu_ticks "$spid")
  sleep $((seconds - 5))
  end=$(cpu_ticks "$spid")
  wait "${pids[@]}" || true
  hwm=$(awk '/VmHWM/ {print $2}' /proc/"$spid"/status)
  kill "$spid"; wait "$spid" 2>/dev/null || true
  cpu_per_min=$(awk -v a="$start" -v b="$end" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f", (b - a) / hz * 60 / (s - 5) }')
  p50=$(bench_probe_figure "$work/probe-$viewers-1.json" auInToLastPacketP50Us "viewer 1 of $viewers")
  p99=$(bench_probe_figure "$work/probe-$viewers-1.json" auInToLastPacketP99Us "viewer 1 of $viewers")
  frames=$(bench_probe_figure "$work/probe-$viewers-1.json" framesRendered "viewer 1 of $viewers")
  printf '%-8s %12s %12s %14s %14s %10s\n' "$viewers" "$cpu_per_min" "$((hwm / 1024))" "$p50" "$p99" \
      "$(awk -v f="$frames" -v s="$seconds" 'BEGIN { printf "%.1f", f / s }')"
done
echo "(streamer: -Xmx128m -XX:+UseSerialGC; viewers are webrtc-java probes on the same 2-core machine)"
