#!/usr/bin/env bash
# Latency lab: true capture-to-screen latency (from the test pattern's timecode) measured side by side in one run per
# picture size — the console, the console with the playout-delay extension left out of its offer (libwebrtc's
# default jitter-buffer path), and headless Chromium over WHEP, all watching the same streamer at the same time —
# with the console meter's per-frame error against the truth, time to first frame, and CPU/RSS.
# Prints a table and writes latency-lab.json and latency-lab.png, the per-frame truth over time (to the directory
# given, default bench/results).
# Runs inside network namespaces it creates and removes; needs root, ffmpeg, chromium, chromium-driver (the test
# command's setup installs them).
# Usage: bash bench/latency-lab.sh [SECONDS] [OUTPUT_DIR]   (default 30 s per size)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
out=${2:-bench/results}
mkdir -p "$out"
work=$(mktemp -d /tmp/carsight-lab.XXXXXX)
source bench/lib.sh

cp=$(bench_console_classpath "$work")
bench_namespaces cslab-s cslab-v cslab
hz=$(getconf CLK_TCK)
fx=(-Dglass.platform=Monocle -Dmonocle.platform=Headless -Dheadless.geometry=1920x1080-32 -Dprism.order=sw
    -Dprism.text=t2k -Djava.awt.headless=true)

configs=("640x480 30 1500000" "640x480 90 2500000" "1280x720 30 4000000")
for config in "${configs[@]}"; do
  read -r size fps bitrate <<<"$config"
  tag="${size}@${fps}"
  echo "measuring $tag for $seconds s..." >&2
  ip netns exec cslab-s java -jar pi-streamer/target/carsight-streamer.jar --camera test-pattern --size "$size" \
      --fps "$fps" --bitrate "$bitrate" --listen 198.51.100.1:8080 --token lab-token-123 \
      --state-dir "$work/state" > "$work/streamer-$tag.log" 2>&1 &
  bench_wait_listening "$work/streamer-$tag.log"
  spid=$(java_pid "lab-token-123 --state-dir")
  ip netns exec cslab-v java "${fx[@]}" -Djava.util.prefs.userRoot="$work/prefs-a" -cp "$cp" carsight.console.Launcher \
      --connect http://198.51.100.1:8080 --token lab-token-123 --speed 50km/h --duration "$seconds" \
      --report "$work/console-$tag.json" > "$work/console-$tag.log" 2>&1 &
  ca=$!
  ip netns exec cslab-v java "${fx[@]}" -Dcarsight.playout-delay=off -Djava.util.prefs.userRoot="$work/prefs-b" \
      -cp "$cp" carsight.console.Launcher --connect http://198.51.100.1:8080 --token lab-token-123 --speed 50km/h \
      --duration "$seconds" --report "$work/nodelay-$tag.json" > "$work/nodelay-$tag.log" 2>&1 &
  cb=$!
  ip netns exec cslab-v java -cp "$cp" carsight.streamer.it.ChromiumWhepProbe http://198.51.100.1:8080 \
      lab-token-123 "$((seconds - 3))" "$work/chromium-$tag.json" > "$work/chromium-$tag.log" 2>&1 &
  cc=$!
  sleep 6
  apid=$(java_pid "report $work/console-$tag.json")
  a0=$(cpu_ticks "$apid"); s0=$(cpu_ticks "$spid")
  sleep $((seconds - 10))
  a1=$(cpu_ticks "$apid"); s1=$(cpu_ticks "$spid")
  arss=$(awk '/VmHWM/ {print $2}' /proc/"$apid"/status); srss=$(awk '/VmHWM/ {print $2}' /proc/"$spid"/status)
  wait "$ca" "$cb" "$cc" || true
  kill "$spid" 2>/dev/null || true
  sleep 1
  python3 - "$work" "$tag" "$seconds" "$hz" "$a0" "$a1" "$s0" "$s1" "$arss" "$srss" <<'PY'
import json, sys
work, tag, seconds, hz, a0, a1, s0, s1, arss, srss = sys.argv[1:]
def load(name):
    try:
        return json.load(open(f"{work}/{name}-{tag}.json"))
    except Exception:
        return {}
span = int(seconds) - 10
row = {"config": tag, "console": load("console"), "consoleNoPlayoutDelay": load("nodelay"),
       "chromium": load("chromium").get("stats", {}),
       "consoleCpuSecondsPerMinute": round((int(a1) - int(a0)) / int(hz) * 60 / span, 1),
       "consolePeakRssMb": int(arss) // 1024,
       "streamerCpuSecondsPerMinute": round((int(s1) - int(s0)) / int(hz) * 60 / span, 1),
       "streamerPeakRssMb": int(srss) // 1024}
json.dump(row, open(f"{work}/row-{tag}.json", "w"))
PY
done

python3 - "$work" "$out" "$seconds" <<'PY'
import json, sys, glob, datetime
work, out, seconds = sys.argv[1:]
rows = [json.load(open(f)) for f in sorted(glob.glob(f"{work}/row-*.json"), key=lambda f: ("1280" in f, "@90" in f))]
def g(d, *path):
    for p in path:
        d = d.get(p) if isinstance(d, dict) else None
    return d
def f(v):
    return "-" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v))
print(f"{'size@fps':<12} | {'console p50/p95/max':<22} | {'no playout-delay p50/p95':<24} | {'chromium p50/p95':<17} | "
      f"{'meter err p50/p95':<17} | {'1st frame c/chr ms':<18} | console CPU s/min, RSS MB")
for r in rows:
    c, n, ch = r["console"], r["consoleNoPlayoutDelay"], r["chromium"]
    print(f"{r['config']:<12} | {f(g(c,'truthLatencyMs','p50'))+' / '+f(g(c,'truthLatencyMs','p95'))+' / '+f(g(c,'truthLatencyMs','max')):<22} | "
          f"{f(g(n,'truthLatencyMs','p50'))+' / '+f(g(n,'truthLatencyMs','p95')):<24} | "
          f"{f(ch.get('truthLatencyP50Ms'))+' / '+f(ch.get('truthLatencyP95Ms')):<17} | "
          f"{f(g(c,'meterErrorMs','p50'))+' / '+f(g(c,'meterErrorMs','p95')):<17} | "
          f"{f(c.get('firstFrameMs'))+' / '+f(ch.get('firstFrameMs')):<18} | {r['consoleCpuSecondsPerMinute']}, {r['consolePeakRssMb']}")
result = {"command": f"sudo bash bench/latency-lab.sh {seconds}", "date": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z",
          "secondsPerConfig": int(seconds), "rows": rows}
json.dump(result, open(f"{out}/latency-lab.json", "w"), indent=2)
print(f"(JSON: {out}/latency-lab.json; raw logs: {work})")
PY
java -Djava.awt.headless=true -cp "$cp" carsight.console.bench.LatencyPlot "$out/latency-lab.json" "$out/latency-lab.png"
echo "(plot: $out/latency-lab.png)"
