#!/usr/bin/env bash
# The road: how fresh the picture on screen stays when the car's uplink is a cellular link while driving, next to
# libwebrtc's own sender on the same link.
#
# For every scenario (below) and every sender —
#   carsight          the streamer, its road scene (texture and motion that use the bitrate) at 640x480@30, 1.5 Mbit/s
#   carsight-pi-like  the same streamer driving a camera that behaves as a Pi's under rpicam-vid: a bitrate change is
#                     a restart with a gap, no keyframe on request, keyframes several times a P-frame's size
#                     (PiLikeRpicamVid on the streamer's PATH as rpicam-vid)
#   libwebrtc         headless Chromium sending the same scene from a canvas (captureStream, H.264 at most 1.5 Mbit/s,
#                     its own transport-wide feedback and GCC, playout-delay 0,0) behind the same front door
#                     (ReferenceSender: /whep and /signal)
# — two receivers watch at once, each behind its own copy of the car's uplink (bench/link/roadlink.py: a user-space
# link between network namespaces, 30 ms each way, a deep 500 kB drop-tail queue as a modem has): headless Chromium
# over WHEP and the operator console. Every picture carries the timecode of its capture, so for each receiver the
# picture's age over time is known: the share of the time it was at most 200 / 300 / 500 ms old, its p50 and p95
# over time, the longest time without a new picture next to the link's own longest outage in that window, what the
# link carried next to what it could (per second min(1.5 Mbit/s, capacity)), and per-frame truth percentiles.
# Prints the table, writes road.json (one row per scenario, sender and receiver) and road.png (the age over time).
#
# Needs root, python3, ffmpeg, chromium, chromium-driver and nftables (the test command's setup installs them).
# Usage: bash bench/road.sh [SECONDS | --quick] [OUTPUT_DIR]     (default 60 s a run, output to bench/results)
#   ROAD_SCENARIOS="att-lte step" ROAD_SENDERS="carsight libwebrtc" narrow a run down.
#   --quick: the ATT trace for 25 s with every sender, into a scratch directory (the bench smoke runs it).
# The relay scenario: the car publishes once (--relay) to Janus in its own namespace over the ATT trace, and both
# receivers watch through Janus (libwebrtc is not run there: Chromium cannot publish to a streaming mountpoint).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=${2:-bench/results}
quick=0
if [ "$seconds" = --quick ]; then
  quick=1
  seconds=25
  out=${2:-$(mktemp -d /tmp/carsight-road-quick.XXXXXX)}
  ROAD_SCENARIOS=${ROAD_SCENARIOS:-att-lte}
fi
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 20)); then
  echo "usage: bash bench/road.sh [SECONDS, at least 20 | --quick] [OUTPUT_DIR]" >&2
  exit 2
fi
scenarios=${ROAD_SCENARIOS:-att-lte tmobile-umts verizon-lte step jitter loss wifi-bursts policer four-viewers no-feedback relay}
senders=${ROAD_SENDERS:-carsight carsight-pi-like libwebrtc}
mkdir -p "$out"
work=$(mktemp -d /tmp/carsight-road.XXXXXX)
source bench/lib.sh
cp=$(bench_console_classpath "$work")
traces=bench/data/traces
token=road-token-123
camera_bps=1500000
fx=(-Dglass.platform=Monocle -Dmonocle.platform=Headless -Dheadless.geometry=1920x1080-32 -Dprism.order=sw
    -Dprism.text=t2k -Djava.awt.headless=true)
settle=8 # seconds from the receivers' start to the window measured (joining, the first keyframe)

# scenario_link NAME: the car's uplink for a scenario (roadlink.py's --up; the return path is 30 ms, unlimited)
scenario_link() {
  case "$1" in
    att-lte) echo "trace=$traces/ATT-LTE-driving.up,delay=30,queue=500000" ;;
    tmobile-umts) echo "trace=$traces/TMobile-UMTS-driving.up,delay=30,queue=500000" ;;
    verizon-lte) echo "trace=$traces/Verizon-LTE-short.up,delay=30,queue=500000" ;;
    # 3 → 0.5 Mbit/s a third of the way in, back to 3 at two thirds
    step) echo "steps=0:3mbit/$((seconds / 3)):0.5mbit/$((seconds * 2 / 3)):3mbit,delay=30,queue=500000" ;;
    jitter) echo "rate=1mbit,delay=40,jitter=15,queue=500000" ;;
    loss) echo "rate=3mbit,delay=30,loss=0.02,queue=500000" ;;
    wifi-bursts) echo "rate=3mbit,delay=10,bursts=100-300ms/2-5s,queue=500000" ;;
    policer) echo "policer=1mbit/15000,delay=30" ;;
    # four viewers share it: 6 Mbit/s of cameras on 4
    four-viewers) echo "rate=4mbit,delay=30,queue=500000" ;;
    no-feedback) echo "rate=1mbit,delay=30,queue=500000" ;;
    # the car publishes once to a Janus relay over the ATT trace; the viewers watch through Janus on a plain link
    relay) echo "trace=$traces/ATT-LTE-driving.up,delay=30,queue=500000" ;;
    *) bench_fail "unknown scenario '$1' (see the list at the top of bench/road.sh)" ;;
  esac
}

# the trace behind a scenario, for its own outages (none for the synthetic links)
scenario_trace() {
  case "$1" in
    att-lte|relay) echo "$traces/ATT-LTE-driving.up" ;;
    tmobile-umts) echo "$traces/TMobile-UMTS-driving.up" ;;
    verizon-lte) echo "$traces/Verizon-LTE-short.up" ;;
    *) echo "" ;;
  esac
}

BENCH_NAMESPACES="rd-car rd-v1 rd-v2 rd-relay"
trap bench_cleanup EXIT

# a fresh car and two viewer namespaces (nothing kept from the run before)
namespaces() {
  bench_cleanup
  for ns in $BENCH_NAMESPACES; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
}

# link N VIEWER_NS UPLINK DIR: the emulated uplink between the car and a viewer namespace, 198.51.10N.1 ↔ .2
link() {
  local n=$1 ns=$2 up=$3 dir=$4
  python3 bench/link/roadlink.py --ns-a rd-car --ns-b "$ns" --addr-a "198.51.10$n.1" --addr-b "198.51.10$n.2" \
      --name "road$n" --up "$up" --down "delay=30" --seed "$n" --stats "$dir/link$n.jsonl" > "$dir/link$n.log" 2>&1 &
  for _ in $(seq 1 100); do
    grep -q '^ready' "$dir/link$n.log" && return 0
    sleep 0.1
  done
  bench_fail "the emulated link $n did not come up" "$dir/link$n.log"
}

# no_feedback NS: the receivers in NS send no RTCP at all (no receiver reports, REMB, transport-wide feedback,
# NACK or PLI): RTCP packet types 192..223 in the second byte of a UDP payload (RFC 5761) are dropped on the way out
no_feedback() {
  ip netns exec "$1" nft -f - <<'NFT'
table inet road_no_feedback {
  chain output {
    type filter hook output priority 0; policy accept;
    meta l4proto udp @th,72,8 192-223 drop
  }
}
NFT
}

# relay DIR: Janus (streaming plugin, HTTP API) in its own namespace at 203.0.113.1, reached by the car over its
# emulated uplink (link 0, the relay's end 198.51.100.2) and by the viewers' namespace over a plain veth; sets relay_pid
relay_url="janus+http://203.0.113.1:8088/janus?mountpoint=7"
relay() {
  local dir=$1
  ip link add rdrelaya type veth peer name rdrelayb
  ip link set rdrelaya netns rd-relay
  ip link set rdrelayb netns rd-v1
  ip -n rd-relay addr add 203.0.113.1/24 dev rdrelaya
  ip -n rd-v1 addr add 203.0.113.2/24 dev rdrelayb
  ip -n rd-relay link set rdrelaya up
  ip -n rd-v1 link set rdrelayb up
  ip -n rd-car route add 203.0.113.1/32 dev road0 # the API and the media port, over the car's uplink
  bench_janus_config "$dir/janus" 203.0.113.1 5004 || bench_fail "cannot configure Janus"
  ip netns exec rd-relay bash -c 'ulimit -c 0; exec janus -F "$0" -o' "$dir/janus" > "$dir/janus.log" 2>&1 &
  relay_pid=$!
  for _ in $(seq 1 100); do
    grep -q "HTTP webserver started" "$dir/janus.log" && return 0
    sleep 0.1
  done
  bench_fail "Janus did not start" "$dir/janus.log"
}

# sender NAME DIR [STREAMER OPTIONS...]: starts it in the car's namespace on 0.0.0.0:8080 (every link reaches it);
# sets sender_pid
sender() {
  local name=$1 dir=$2
  shift 2
  case "$name" in
    carsight|carsight-pi-like)
      local camera=test-pattern:road env_path=$PATH
      if [ "$name" = carsight-pi-like ]; then
        mkdir -p "$dir/bin"
        printf '#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -cp "%s" carsight.streamer.camera.PiLikeRpicamVid "$@"\n' "$cp" \
            > "$dir/bin/rpicam-vid"
        chmod +x "$dir/bin/rpicam-vid"
        camera=rpicam
        env_path=$dir/bin:$PATH
      fi
      ip netns exec rd-car env PATH="$env_path" java -jar pi-streamer/target/carsight-streamer.jar \
          --listen 0.0.0.0:8080 --camera "$camera" --size 640x480 --fps 30 --bitrate "$camera_bps" --token "$token" \
          --state-dir "$dir/state" "$@" > "$dir/sender.log" 2>&1 &
      sender_pid=$!
      ;;
    libwebrtc)
      ip netns exec rd-car java -cp "$cp" carsight.streamer.it.ReferenceSender 0.0.0.0:8080 640x480 30 "$camera_bps" \
          $((seconds + 40)) "$dir/sender-stats.json" > "$dir/sender.log" 2>&1 &
      sender_pid=$!
      ;;
    *) bench_fail "unknown sender '$name' (carsight, carsight-pi-like or libwebrtc)" ;;
  esac
  for _ in $(seq 1 300); do
    grep -q "listening on" "$dir/sender.log" && return 0
    kill -0 "$sender_pid" 2>/dev/null || break
    sleep 0.1
  done
  bench_fail "the $name sender did not start" "$dir/sender.log"
}

# chromium NS URL DIR NAME: headless Chromium over WHEP, reading the timecode of every frame it shows
chromium() {
  ip netns exec "$1" java -cp "$cp" carsight.streamer.it.ChromiumWhepProbe "$2" "$token" "$((seconds - 3))" \
      "$3/$4.json" > "$3/$4.log" 2>&1 &
  receivers+=($!)
}

# console NS URL DIR: the operator console with its report
console() {
  ip netns exec "$1" java "${fx[@]}" -Djava.util.prefs.userRoot="$3/console.prefs" -cp "$cp" carsight.console.Launcher \
      --connect "$2" --token "$token" --speed 50km/h --duration "$seconds" --report "$3/console.json" \
      > "$3/console.log" 2>&1 &
  receivers+=($!)
}

# chromium_relay NS DIR: headless Chromium watching the relay's mountpoint (Janus's own offer)
chromium_relay() {
  ip netns exec "$1" java -cp "$cp" carsight.streamer.it.ChromiumJanusProbe http://203.0.113.1:8088 7 "$((seconds - 3))" \
      "$2/chromium.json" > "$2/chromium.log" 2>&1 &
  receivers+=($!)
}

# webrtc NS URL DIR NAME: another viewer (webrtc-java), for the shared uplink
webrtc() {
  ip netns exec "$1" java -cp "$cp" carsight.streamer.it.WebrtcReceiverProbe "$2" "$token" "$((seconds - 3))" \
      "$3/$4.json" > "$3/$4.log" 2>&1 &
  receivers+=($!)
}

# row SCENARIO SENDER RECEIVER FILE PATH LINK_STATS DIR: one row of road.json from a receiver's frames
row() {
  local trace args=()
  trace=$(scenario_trace "$1")
  [ -n "$trace" ] && args+=(--trace "$trace" --trace-offset 0)
  [ -s "$4" ] || bench_fail "$3 watching $2 on $1 wrote no result (log ${4%.json}.log)" "${4%.json}.log"
  # what the link could be asked to carry: one camera's stream per viewer behind it
  local wanted=$camera_bps
  [ "$1" = four-viewers ] && wanted=$((camera_bps * 4))
  python3 bench/road/metrics.py --frames "$4" --frames-path "$5" --stats "$6" "${args[@]}" \
      --camera-max-bps "$wanted" --window-start-unix-ms "$window_start" --window-end-unix-ms "$window_end" \
    | python3 -c "import json,sys; r = json.load(sys.stdin); r.update(scenario=sys.argv[1], sender=sys.argv[2], receiver=sys.argv[3])
print(json.dumps(r))" "$1" "$2" "$3" >> "$work/rows.jsonl" \
    || bench_fail "cannot measure $3 watching $2 on $1" "${4%.json}.log"
}

: > "$work/rows.jsonl"
for scenario in $scenarios; do
  up=$(scenario_link "$scenario")
  for name in $senders; do
    if [ "$scenario" = relay ] && [ "$name" = libwebrtc ]; then
      echo "road: relay, libwebrtc: not run (Chromium cannot publish to Janus's streaming mountpoint)" >&2
      continue
    fi
    dir=$work/$scenario-$name
    mkdir -p "$dir"
    echo "road: $scenario, $name ($seconds s)..." >&2
    namespaces
    receivers=()
    relay_pid=
    if [ "$scenario" = relay ]; then
      link 0 rd-relay "$up" "$dir"
      relay "$dir"
      sender "$name" "$dir" --relay "$relay_url"
      for _ in $(seq 1 150); do
        grep -q "relay: publishing to" "$dir/sender.log" && break
        sleep 0.1
      done
    else
      link 0 rd-v1 "$up" "$dir"
      if [ "$scenario" != four-viewers ]; then
        link 1 rd-v2 "$up" "$dir"
      fi
      if [ "$scenario" = no-feedback ]; then
        no_feedback rd-v1
        no_feedback rd-v2
      fi
      sender "$name" "$dir"
    fi
    started=$(date +%s%3N)
    window_start=$((started + settle * 1000))
    window_end=$((started + (seconds - 3) * 1000))
    if [ "$scenario" = relay ]; then
      chromium_relay rd-v1 "$dir"
      console rd-v1 "$relay_url" "$dir"
    else
      chromium rd-v1 http://198.51.100.1:8080 "$dir" chromium
      if [ "$scenario" = four-viewers ]; then
        console rd-v1 http://198.51.100.1:8080 "$dir"
        webrtc rd-v1 http://198.51.100.1:8080 "$dir" viewer3
        webrtc rd-v1 http://198.51.100.1:8080 "$dir" viewer4
      else
        console rd-v2 http://198.51.101.1:8080 "$dir"
      fi
    fi
    for pid in "${receivers[@]}"; do
      wait "$pid" || true
    done
    kill "$sender_pid" $relay_pid 2>/dev/null || true
    # the links write their summaries (the time their second 0 began) on SIGTERM
    for pid in $(pgrep -f "roadlink.py --ns-a rd-car" || true); do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
      pgrep -f "roadlink.py --ns-a rd-car" > /dev/null || break
      sleep 0.1
    done
    console_link=$dir/link1.jsonl
    [ "$scenario" = four-viewers ] || [ "$scenario" = relay ] && console_link=$dir/link0.jsonl
    row "$scenario" "$name" chromium "$dir/chromium.json" stats.truthSeries "$dir/link0.jsonl"
    row "$scenario" "$name" console "$dir/console.json" truthSeries "$console_link"
    kill -9 "$sender_pid" $relay_pid 2>/dev/null || true
  done
done
bench_cleanup

python3 - "$work/rows.jsonl" "$out/road.json" "$quick" "$seconds" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
json.dump({"seconds": int(sys.argv[4]), "quick": sys.argv[3] == "1", "rows": rows}, open(sys.argv[2], "w"), indent=1)
def f(v, fmt="{:.0f}"):
    return "—" if v is None else fmt.format(v)
def pct(v):
    return "—" if v is None else "{:.0f} %".format(100 * v)
print("| scenario | sender | receiver | ≤ 200 / 300 / 500 ms | could reach (≤ 300) | age p50 / p95 ms | truth p50 / p95 / p99 ms "
      "| longest gap (link's outage) ms | carried / usable Mbit/s | fps |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    print("| {} | {} | {} | {} / {} / {} | {} | {} / {} | {} / {} / {} | {} ({}) | {} / {} | {} |".format(
        r["scenario"], r["sender"], r["receiver"], pct(r.get("freshShare200")), pct(r.get("freshShare300")),
        pct(r.get("freshShare500")), pct(r.get("couldReachShare300")), f(r.get("ageP50Ms")), f(r.get("ageP95Ms")),
        f(r.get("truthP50Ms")), f(r.get("truthP95Ms")), f(r.get("truthP99Ms")), f(r.get("longestGapMs")),
        f(r.get("traceOutageMs")), f(r.get("carriedMbps"), "{:.2f}"), f(r.get("usableMbps"), "{:.2f}"),
        f(r.get("fps"), "{:.1f}")))
PY
java -Djava.awt.headless=true -cp "$cp" carsight.console.bench.RoadPlot "$out/road.json" "$out/road.png" \
    || bench_fail "cannot draw $out/road.png"
echo "road: $(wc -l < "$work/rows.jsonl") rows in $out/road.json, the age over time in $out/road.png (runs: $work)" >&2
