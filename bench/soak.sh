#!/usr/bin/env bash
# Soak: the streamer sends 1280x720@30 (~4 Mbit/s, file camera) to two webrtc-java viewers for MINUTES minutes with
# the Pi Zero's JVM flags, sampling every minute its RSS, heap in use after a full GC, threads and open file
# descriptors, then prints the trend from the end of warm-up (minute 5) to the last sample.
# Runs inside network namespaces it creates and removes; needs root, ffmpeg, iproute2, a JDK (jcmd).
# Usage: bash bench/soak.sh [MINUTES | --quick]   (default 30; --quick: three samples 5 s apart, a smoke check)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
interval=60
if [ "$minutes" = --quick ]; then minutes=3; interval=5; fi
warmup=$(( minutes >= 10 ? 5 : 1 ))
work=$(mktemp -d /tmp/carsight-soak.XXXXXX)
source bench/lib.sh

cp=$(bench_streamer_classpath "$work")
bench_clip "$work/clip.h264" $([ "$interval" = 60 ] && echo 20 || echo 4)
bench_namespaces cssoak-s cssoak-v cssoak

flags="-Xmx64m -XX:+UseSerialGC -Xss256k -XX:+ExitOnOutOfMemoryError"
# shellcheck disable=SC2086
ip netns exec cssoak-s java $flags -jar pi-streamer/target/carsight-streamer.jar --camera "file:$work/clip.h264" \
    --listen 198.51.100.1:8080 --token soak-token-123 --state-dir "$work/state" > "$work/streamer.log" 2>&1 &
spid=$! # ip netns exec runs java in its own place
bench_wait_listening "$work/streamer.log"
probes=()
for v in 1 2; do
  ip netns exec cssoak-v java -Xmx256m -cp "$cp" carsight.streamer.it.WebrtcReceiverProbe \
      http://198.51.100.1:8080 soak-token-123 "$((minutes * interval + 30))" "$work/probe-$v.json" > "$work/probe-$v.log" 2>&1 &
  probes+=($!)
done

healthz() {
  ip netns exec cssoak-s bash -c 'exec 3<>/dev/tcp/198.51.100.1/8080 && printf "GET /healthz HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
      2>/dev/null | tr -d '\r' | tail -1
}
heap_after_gc() { # KB in use in the Java heap right after a full collection
  jcmd "$spid" GC.run >/dev/null
  jcmd "$spid" GC.heap_info | awk '/generation/ { for (i = 1; i <= NF; i++) if ($i == "used") { gsub(/[K,]/, "", $(i+1)); s += $(i+1) } } END { print s }'
}

echo "streamer: $flags, pid $spid; a sample every $interval s, $minutes samples (warm-up: $warmup)" >&2
printf '%6s %9s %13s %8s %5s %8s\n' sample "RSS MB" "heap@GC MB" threads fds viewers | tee "$work/samples.txt"
for m in $(seq 1 "$minutes"); do
  sleep "$interval"
  if ! kill -0 "$spid" 2>/dev/null; then echo "the streamer died:" >&2; tail -20 "$work/streamer.log" >&2; exit 1; fi
  rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' /proc/"$spid"/status)
  heap=$(heap_after_gc | awk '{printf "%.1f", $1 / 1024}')
  threads=$(awk '/Threads/ {print $2}' /proc/"$spid"/status)
  fds=$(ls /proc/"$spid"/fd | wc -l)
  viewers=$(healthz | sed -nE 's/.*"viewers":([0-9]+).*/\1/p')
  printf '%6s %9s %13s %8s %5s %8s\n' "$m" "$rss" "$heap" "$threads" "$fds" "${viewers:-?}" | tee -a "$work/samples.txt"
  [ -n "$heap" ] || bench_fail "no heap figure from jcmd for the streamer (pid $spid)"
done

echo
awk -v w="$warmup" 'NR > 1 && $1 == w { for (i = 2; i <= 5; i++) base[i] = $i }
  NR > 1 { for (i = 2; i <= 5; i++) last[i] = $i }
  END {
    split("RSS MB,heap@GC MB,threads,fds", name, ",")
    bad = 0
    printf "%-12s %10s %10s %8s\n", "trend", "sample " w, "last", "growth"
    for (i = 2; i <= 5; i++) {
      g = base[i] > 0 ? (last[i] - base[i]) * 100 / base[i] : 0
      printf "%-12s %10s %10s %7.1f%%%s\n", name[i - 1], base[i], last[i], g, (g > 10 ? "  GROWS" : "")
      if (g > 10) bad = 1
    }
    print bad ? "verdict: something grew by more than 10 % after warm-up" : "verdict: nothing grew by more than 10 % after warm-up"
  }' "$work/samples.txt"
for v in 1 2; do touch "$work/probe-$v.json.stop"; done # the probes end their runs now and write their summaries
wait "${probes[@]}" || true
kill "$spid" 2>/dev/null || true
for v in 1 2; do
  printf 'viewer %s: %s frames rendered\n' "$v" "$(bench_probe_figure "$work/probe-$v.json" framesRendered "viewer $v")"
done
echo "(files in $work)"
