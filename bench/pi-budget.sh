#!/usr/bin/env bash
# Pi-class budget: the streamer as it would run on a Pi Zero W — pinned to one core, the Pi's JVM flags, the file
# camera (no encoder in its process, as on the Pi where the hardware encodes) — at 640x480@30 1.5 Mbit/s and at
# @60 / @90 with the bitrates the Pi guide recommends, with 1 and 4 webrtc-java viewers (on the other core), each run
# three ways: the default JIT, C1 only (what Raspberry Pi OS's Client VM has) and the interpreter only (the Zero VM).
# Prints per run: CPU % of one core, CPU per packet sent (µs), RSS, heap in use after a full GC, threads, and per
# frame "access unit in → last packet sent" p50/p99 (µs); then an estimate for the Zero from the C1 and interpreter
# runs with the speed factor below. Runs inside network namespaces it creates; needs root, ffmpeg, a JDK (jcmd).
# Usage: bash bench/pi-budget.sh [SECONDS | --quick]   (default 30 per run; --quick: 640x480@30, 1 viewer, 5 s, C1
# and the interpreter only)
# PI_BUDGET_CONFIGS (e.g. "640x480 30 1500000"), PI_BUDGET_VIEWERS (e.g. "1 4") and PI_BUDGET_MODES (e.g.
# "interpreter") narrow a run down; PI_BUDGET_STREAMER_OPTS adds JVM options to the streamer's (e.g. a JFR recording).
# Each run's thread dump is kept (threads-*.txt in the raw results).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
configs=("640x480 30 1500000" "640x480 60 2000000" "640x480 90 2500000")
viewer_counts="1 4"
modes="default c1 interpreter"
clip_seconds=10
if [ "$seconds" = --quick ]; then
  seconds=5
  clip_seconds=4
  configs=("640x480 30 1500000")
  viewer_counts=1
  modes="c1 interpreter" # the two a Zero W can run
fi
[ -n "${PI_BUDGET_CONFIGS:-}" ] && IFS=';' read -r -a configs <<< "$PI_BUDGET_CONFIGS"
viewer_counts=${PI_BUDGET_VIEWERS:-$viewer_counts}
modes=${PI_BUDGET_MODES:-$modes}
# How much slower a Pi Zero W's core is than this machine's, for the estimate: CoreMark on one core, 2084
# iterations/s on a Pi Zero W (fm4dd/sbc-benchmarks, GCC 4.9.2 -O3) against 35,900 measured on this machine's core:
# 17x. The C1 and interpreter runs here already carry the Zero's JVM kind, so the factor is the CPU's alone. Range:
# 7x (7-zip, memory-bound, sbc-bench) to 30x (Dhrystone; memory bandwidth differs ~40x). PI_ZERO_FACTOR overrides.
zero_factor=${PI_ZERO_FACTOR:-17}
settle=$([ "$seconds" -le 8 ] && echo 5 || echo 12)
pi_flags="-Xmx64m -XX:+UseSerialGC -Xss256k -XX:+ExitOnOutOfMemoryError"
work=$(mktemp -d /tmp/carsight-pi-budget.XXXXXX)
source bench/lib.sh

cp=$(bench_streamer_classpath "$work")
bench_namespaces cspi-s cspi-v cspi
hz=$(getconf CLK_TCK)

metric() { # NAME: a counter from the streamer's /metrics, read from the viewers' namespace
  ip netns exec cspi-v bash -c 'exec 3<>/dev/tcp/198.51.100.1/8080 && printf "GET /metrics HTTP/1.0\r\nAuthorization: Bearer pi-token-123\r\n\r\n" >&3 && cat <&3' \
      2>/dev/null | awk -v n="$1" '$1 == n {print $2}'
}
heap_after_gc() { # MB in use in the Java heap right after a full collection
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/generation/ { for (i = 1; i <= NF; i++) if ($i == "used") { gsub(/[K,]/, "", $(i+1)); s += $(i+1) } } END { printf "%.1f", s / 1024 }'
}

printf '%-12s %-11s %7s %8s %9s %8s %9s %8s %9s %9s %7s\n' "config" "jit" viewers "cpu %" "µs/pkt" "RSS MB" "heap MB" threads \
    "AU→p50µs" "AU→p99µs" "srtp" | tee "$work/table.txt"
for config in "${configs[@]}"; do
  read -r size fps rate <<<"$config"
  clip="$work/clip-$size-$fps.h264"
  bench_clip "$clip" "$clip_seconds" "$size" "$fps" "$rate"
  for mode in $modes; do
    case $mode in
      default) jit="" ;;
      # the streamer picks its table AES here ("emulated-client"), as on a Zero W's Client VM
      c1) jit="-XX:TieredStopAtLevel=1" ;;
      interpreter) jit="-Xint" ;;
    esac
    for viewers in $viewer_counts; do
      tag="$size@$fps-$mode-$viewers"
      # shellcheck disable=SC2086
      ip netns exec cspi-s taskset -c 0 java $pi_flags $jit ${PI_BUDGET_STREAMER_OPTS:-} -jar pi-streamer/target/carsight-streamer.jar \
          --camera "file:$clip" --listen 198.51.100.1:8080 --token pi-token-123 --state-dir "$work/state" \
          > "$work/streamer-$tag.log" 2>&1 &
      spid=$! # ip netns exec and taskset run java in their own place
      bench_wait_listening "$work/streamer-$tag.log"
      probes=()
      for v in $(seq 1 "$viewers"); do
        ip netns exec cspi-v taskset -c 1 java -Xmx256m -cp "$cp" carsight.streamer.it.WebrtcReceiverProbe \
            http://198.51.100.1:8080 pi-token-123 "$((seconds + settle + 63))" "$work/probe-$tag-$v.json" \
            > "$work/probe-$tag-$v.log" 2>&1 &
        probes+=($!)
      done
      # the viewers join (their DTLS handshakes take the streamer's CPU for seconds without a JIT: the window starts
      # once every one has its keys, at most a minute) and the JIT settles
      for _ in $(seq 1 600); do
        [ "$(grep -c "SRTP ready" "$work/streamer-$tag.log")" -ge "$viewers" ] && break
        sleep 0.1
      done
      if [ "$(grep -c "SRTP ready" "$work/streamer-$tag.log")" -lt "$viewers" ]; then
        echo "warning: at $tag not every viewer had its keys after a minute; measuring anyway" >&2
      fi
      sleep "$settle"
      t0=$(cpu_ticks "$spid"); p0=$(metric carsight_packets_out_total); c0=$(date +%s.%N)
      sleep "$seconds"
      t1=$(cpu_ticks "$spid"); p1=$(metric carsight_packets_out_total); c1=$(date +%s.%N)
      rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/"$spid"/status)
      threads=$(awk '/Threads/ {print $2}' /proc/"$spid"/status)
      jcmd "$spid" Thread.print > "$work/threads-$tag.txt" 2>/dev/null || true
      heap=$(heap_after_gc "$spid")
      for v in $(seq 1 "$viewers"); do touch "$work/probe-$tag-$v.json.stop"; done
      wait "${probes[@]}" || true
      kill "$spid" 2>/dev/null || true
      wait "$spid" 2>/dev/null || true
      p50=$(bench_probe_figure "$work/probe-$tag-1.json" auInToLastPacketP50Us "viewer 1 at $tag")
      p99=$(bench_probe_figure "$work/probe-$tag-1.json" auInToLastPacketP99Us "viewer 1 at $tag")
      [ -n "$p0" ] && [ -n "$p1" ] || bench_fail "no packet count from the streamer's /metrics at $tag"
      read -r cpu perpkt < <(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v c0="$c0" -v c1="$c1" -v p0="$p0" -v p1="$p1" \
          'BEGIN { s = (b - a) / hz; e = c1 - c0; printf "%.1f %.1f\n", s / e * 100, (p1 > p0 ? s * 1e6 / (p1 - p0) : -1) }')
      # which AES and HMAC-SHA1 the streamer chose for this JVM (its log line "SRTP: ...")
      # ("nss+own" when NSS failed for some viewer's key and that viewer fell back to the streamer's own)
      srtp=$(awk '/SRTP: NSS failed/ { fell = 1; next }
          /SRTP: / { if (/from NSS/) k = "nss"; else if (/table AES/) k = "tables"; else if (/JDK/) k = "jdk" }
          END { if (k == "") k = "?"; print (fell && k == "nss" ? "nss+own" : k) }' \
          "$work/streamer-$tag.log")
      printf '%-12s %-11s %7s %8s %9s %8s %9s %8s %9s %9s %7s\n' "$size@$fps" "$mode" "$viewers" "$cpu" "$perpkt" "$rss" \
          "$heap" "$threads" "$p50" "$p99" "$srtp" | tee -a "$work/table.txt"
    done
  done
done

echo
echo "on a Pi Zero W (its core taken as $zero_factor times slower than this one; CPU % of its one core):"
awk -v f="$zero_factor" 'NR > 1 && ($2 == "c1" || $2 == "interpreter") {
    est = $4 * f
    printf "  %-12s %-11s %s viewer(s): ~%.0f %%%s\n", $1, ($2 == "c1" ? "Client VM" : "Zero VM"), $3, est,
        (est > 100 ? "  — more than the whole core" : "")
  }' "$work/table.txt"
echo "(streamer: taskset -c 0, $pi_flags; file camera, so no encoder runs in its process; viewers on the other core)"
echo "(raw results: $work)"
