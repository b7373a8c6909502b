#!/usr/bin/env bash
# Console benchmark: true capture-to-screen latency from the test pattern's timecode (p50/p95) at 640x480@30 and
# 1280x720@30, time from connect to first frame, console CPU and peak RSS — with headless Chromium watching the
# same stream at the same time (WHEP; its truth read from the picture in requestVideoFrameCallback).
# Runs inside network namespaces it creates and removes; needs root, ffmpeg, chromium, chromium-driver.
# Usage: bash bench/console-benchmark.sh [SECONDS | --quick]   (default 30 per size; --quick: 14 s at 640x480 only,
# a smoke check)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
sizes="640x480 1280x720"
if [ "$seconds" = --quick ]; then seconds=14; sizes=640x480; fi
work=$(mktemp -d /tmp/carsight-console-bench.XXXXXX)
source bench/lib.sh
ns_s=csbench-cs
ns_v=csbench-cv
cp=$(bench_console_classpath "$work")
bench_namespaces $ns_s $ns_v csbch

hz=$(getconf CLK_TCK)
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=d
for k in sys.argv[2].split('.'): v = v.get(k) if isinstance(v, dict) else None
print('-' if v is None else (round(v, 1) if isinstance(v, float) else v))" "$1" "$2"; }

printf '%-10s | %-30s | %-30s | %s\n' size "console truth p50/p95 (meter p50)" "chromium truth p50/p95" \
    "first frame console/chromium · console CPU s/min · RSS MB"
for size in $sizes; do
  ip netns exec $ns_s java -jar pi-streamer/target/carsight-streamer.jar --camera test-pattern --size "$size" \
      --fps 30 --bitrate 2M --listen 198.51.100.1:8080 --token bench-token-123 --state-dir "$work/state" \
      > "$work/streamer-$size.log" 2>&1 &
  spid=$!
  bench_wait_listening "$work/streamer-$size.log"
  ip netns exec $ns_v java -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dheadless.geometry=1920x1080-32 \
      -Dprism.order=sw -Dprism.text=t2k -Djava.awt.headless=true -Djava.util.prefs.userRoot="$work/prefs" \
      -cp "$cp" carsight.console.Launcher --connect http://198.51.100.1:8080 --token bench-token-123 \
      --speed 50km/h --duration "$seconds" --report "$work/console-$size.json" > "$work/console-$size.log" 2>&1 &
  cpid=$!
  ip netns exec $ns_v java -cp "$cp" carsight.streamer.it.ChromiumWhepProbe http://198.51.100.1:8080 \
      bench-token-123 "$((seconds - 8))" "$work/chromium-$size.json" > "$work/chromium-$size.log" 2>&1 &
  ppid=$!
  sleep 5
  jpid=$(java_pid "report $work/console-$size.json")
  start=$(cpu_ticks "$jpid")
  sleep $((seconds - 8))
  end=$(cpu_ticks "$jpid")
  hwm=$(awk '/VmHWM/ {print $2}' /proc/"$jpid"/status)
  wait "$cpid" || true
  wait "$ppid" || true
  kill "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  bench_probe_figure "$work/console-$size.json" truthLatencyMs.p50 "the console at $size" >/dev/null
  bench_probe_figure "$work/chromium-$size.json" truthLatencyP50Ms "Chromium at $size" >/dev/null
  cpu=$(awk -v a="$start" -v b="$end" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.1f", (b - a) / hz * 60 / (s - 8) }')
  printf '%-10s | %-30s | %-30s | %s\n' "$size" \
      "$(field "$work/console-$size.json" truthLatencyMs.p50) / $(field "$work/console-$size.json" truthLatencyMs.p95) ($(field "$work/console-$size.json" latencyMs.p50))" \
      "$(field "$work/chromium-$size.json" stats.truthLatencyP50Ms) / $(field "$work/chromium-$size.json" stats.truthLatencyP95Ms)" \
      "$(field "$work/console-$size.json" firstFrameMs) / $(field "$work/chromium-$size.json" stats.firstFrameMs) ms · $cpu · $((hwm / 1024))"
done
echo "(streamer: test pattern, x264 ultrafast zerolatency; console: headless JavaFX, software rendering; all on one 2-core machine)"
echo "(raw results: $work)"
