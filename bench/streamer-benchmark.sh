#!/usr/bin/env bash
# Streamer cost benchmark: CPU seconds per minute, peak RSS, and per-frame "access unit in -> last packet sent"
# (p50/p99) for 1280x720@30 at about 4 Mbit/s from the file camera, with 1 and with 4 webrtc-java viewers.
# Runs inside network namespaces it creates (198.51.100.0/24) and removes; needs root, ffmpeg, iproute2.
# Usage: bash bench/streamer-benchmark.sh [SECONDS]   (default 60 per run)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
work=$(mktemp -d /tmp/carsight-bench.XXXXXX)
ns_s=csbench-s
ns_v=csbench-v

cleanup() {
  for ns in $ns_s $ns_v; do
    for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del $ns 2>/dev/null || true
  done
}
trap cleanup EXIT
cleanup

echo "building..." >&2
mvn -B -q -o -DskipTests package -pl pi-streamer -am >/dev/null 2>&1 || mvn -B -q -DskipTests package -pl pi-streamer -am
mvn -B -q -o -pl pi-streamer -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="pi-streamer/target/test-classes:pi-streamer/target/classes:shared-protocol/target/classes:$(cat "$work/cp.txt")"

echo "encoding a 1280x720@30 4 Mbit/s baseline clip..." >&2
ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=1280x720:rate=30" -t 20 -c:v libx264 \
    -preset veryfast -profile:v baseline -b:v 4M -maxrate 4M -bufsize 2M -g 30 -x264-params repeat-headers=1 \
    -f h264 "$work/clip.h264"

ip netns add $ns_s; ip netns add $ns_v
ip link add csbencha type veth peer name csbenchb
ip link set csbencha netns $ns_s; ip link set csbenchb netns $ns_v
ip -n $ns_s addr add 198.51.100.1/24 dev csbencha; ip -n $ns_v addr add 198.51.100.2/24 dev csbenchb
for ns in $ns_s $ns_v; do ip -n $ns link set lo up; done
ip -n $ns_s link set csbencha up; ip -n $ns_v link set csbenchb up

cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)

printf '%-8s %12s %12s %14s %14s %10s\n' viewers "cpu s/min" "peak RSS MB" "AU→sent p50 µs" "AU→sent p99 µs" "fps seen"
for viewers in 1 4; do
  ip netns exec $ns_s java -Xmx128m -XX:+UseSerialGC -jar pi-streamer/target/carsight-streamer.jar \
      --camera "file:$work/clip.h264" --listen 198.51.100.1:8080 --token bench-token-123 \
      --state-dir "$work/state" > "$work/streamer-$viewers.log" 2>&1 &
  for _ in $(seq 1 100); do grep -q "listening on" "$work/streamer-$viewers.log" && break; sleep 0.1; done
  spid=$(pgrep -f "bench-token-123" | head -1)
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
  p50=$(sed -E 's/.*"auInToLastPacketP50Us":([0-9.]+|null).*/\1/' "$work/probe-$viewers-1.json")
  p99=$(sed -E 's/.*"auInToLastPacketP99Us":([0-9.]+|null).*/\1/' "$work/probe-$viewers-1.json")
  frames=$(sed -E 's/.*"framesRendered":([0-9]+).*/\1/' "$work/probe-$viewers-1.json")
  printf '%-8s %12s %12s %14s %14s %10s\n' "$viewers" "$cpu_per_min" "$((hwm / 1024))" "$p50" "$p99" \
      "$(awk -v f="$frames" -v s="$seconds" 'BEGIN { printf "%.1f", f / s }')"
done
echo "(streamer: -Xmx128m -XX:+UseSerialGC; viewers are webrtc-java probes on the same 2-core machine)"
