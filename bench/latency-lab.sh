#!/usr/bin/env bash
# Latency lab: true capture-to-screen latency (from the test pattern's timecode), per picture size, in two phases of
# receivers watching one streamer at the same time:
#   consoles — the console, the console with the playout-delay extension left out of its offer (libwebrtc's default
#              jitter-buffer path) and headless Chromium over WHEP; with the console meter's per-frame error;
#   browsers — headless Chromium over WHEP, headless Chromium watching the same H.264 through the Janus streaming
#              plugin (an outside anchor, fed over plain RTP on loopback by the streamer's --rtp-forward) and headless
#              Chromium on the streamer's own page, whose meter is held against the truth frame by frame;
#   relay    — the streamer publishing to Janus (--relay); the console and Chromium through the relay and, beside
#              them, straight from the streamer (640x480@30);
# with time to first frame and the CPU of the streamer, its x264 and Janus. Then the cost of sending, with the file
# camera (720p30, ~4 Mbit/s): streamer CPU per Mbit/s per viewer and RSS with 1 and 4 webrtc-java receivers, and the
# streamer beside Janus, each serving one Chromium.
# Prints the tables and writes latency-lab.json and latency-lab.png, the per-frame truth over time (to the directory
# given, default bench/results).
# Runs inside network namespaces it creates and removes (Janus too: its HTTP API on 198.51.100.1:8088, RTP in on
# 127.0.0.1:5004 of the streamer's namespace); needs root, ffmpeg, chromium, chromium-driver and janus (the test
# command's setup installs them).
# Usage: bash bench/latency-lab.sh [SECONDS] [OUTPUT_DIR]   (default 30 s per phase and per file-camera run)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
out=${2:-bench/results}
quick=0
if [ "$seconds" = --quick ]; then
  # a smoke check: every phase once, briefly, at one size and one narrow link; results in a scratch directory
  quick=1
  seconds=12
  out=${2:-$(mktemp -d /tmp/carsight-lab-quick.XXXXXX)}
  LAB_CONFIGS=${LAB_CONFIGS:-640x480 30 1500000}
fi
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 12)); then
  echo "usage: bash bench/latency-lab.sh [SECONDS, at least 12 | --quick] [OUTPUT_DIR]" >&2
  exit 2
fi
command -v janus >/dev/null || { echo "janus is missing: bash scripts/setup-test-machine.sh installs it" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d /tmp/carsight-lab.XXXXXX)
source bench/lib.sh

cp=$(bench_console_classpath "$work")
bench_clip "$work/clip.h264" $((quick ? 4 : 20))
bench_janus_config "$work/janus" 198.51.100.1 5004
bench_namespaces cslab-s cslab-v cslab
fx=(-Dglass.platform=Monocle -Dmonocle.platform=Headless -Dheadless.geometry=1920x1080-32 -Dprism.order=sw
    -Dprism.text=t2k -Djava.awt.headless=true)
token=lab-token-123
url=http://198.51.100.1:8080
span=$((seconds - 10)) # CPU and bytes are counted from 5 s after the receivers start, for about this long

# start_streamer TAG ARGS...: a streamer in the streamer namespace; sets spid and xpid (its x264, if any)
start_streamer() {
  local tag=$1
  shift
  ip netns exec cslab-s java -jar pi-streamer/target/carsight-streamer.jar --listen 198.51.100.1:8080 "$@" \
      --token "$token" --state-dir "$work/state" > "$work/streamer-$tag.log" 2>&1 &
  bench_wait_listening "$work/streamer-$tag.log"
  spid=$(java_pid "$token --state-dir")
  xpid=$(pgrep -P "$spid" ffmpeg | head -1 || true)
}

# start_janus TAG [CONFIG_DIR]: Janus beside the streamer, taking its --rtp-forward; sets jpid
start_janus() {
  # no core file: Janus 1.1.2 can crash on SIGTERM while it relays data channels
  ip netns exec cslab-s bash -c 'ulimit -c 0; exec janus -F "$0" -o' "${2:-$work/janus}" > "$work/janus-$1.log" 2>&1 &
  jpid=$!
  for _ in $(seq 1 100); do
    grep -q "HTTP webserver started" "$work/janus-$1.log" && return 0
    sleep 0.1
  done
  echo "Janus did not start:" >&2
  cat "$work/janus-$1.log" >&2
  return 1
}

# stop PID...: ends them and waits until they are gone (5 s, then SIGKILL), so the next streamer gets the port
stop() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# chromium_probe CLASS ARGS... OUTPUT.json: a Chromium probe in the viewer namespace, watching for seconds - 3
chromium_probe() {
  local class=$1 output=${*: -1}
  ip netns exec cslab-v java -cp "$cp" "carsight.streamer.it.$class" "${@:2:$#-2}" "$((seconds - 3))" "$output" \
      > "${output%.json}.log" 2>&1
}

# console OUTPUT.json [JVM OPTIONS...]: the console in the viewer namespace for seconds, with its report (watching
# $console_url when set, else the streamer)
console() {
  local output=$1
  shift
  ip netns exec cslab-v java "${fx[@]}" "$@" -Djava.util.prefs.userRoot="${output%.json}.prefs" -cp "$cp" \
      carsight.console.Launcher --connect "${console_url:-$url}" --token "$token" --speed 50km/h --duration "$seconds" \
      --report "$output" > "${output%.json}.log" 2>&1
}

# snapshot NAME=PID...: the time and "NAME CPU_TICKS PEAK_RSS_MB" per process (0 and null for one that is gone),
# then the bytes the streamer has sent its viewers so far (its /metrics, read over a plain socket from the viewer
# namespace; null when it does not answer) and when that was read
snapshot() {
  local entry pid ticks rss bytes
  echo "clock $(date +%s.%N) -"
  for entry in "$@"; do
    pid=${entry#*=}
    ticks=$([ -n "$pid" ] && cpu_ticks "$pid" 2>/dev/null || true)
    rss=$([ -n "$pid" ] && awk '/VmHWM/ {print int($2 / 1024)}' /proc/"$pid"/status 2>/dev/null || true)
    if [ -n "$ticks" ] && [ -n "$rss" ]; then
      echo "${entry%%=*} $ticks $rss"
    else
      echo "${entry%%=*} 0 null"
    fi
  done
  bytes=$(timeout 5 ip netns exec cslab-v bash -c 'exec 3<>/dev/tcp/198.51.100.1/8080 &&
      printf "GET /metrics HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n" "$1" >&3 && cat <&3' _ "$token" \
      2>> "$work/metrics.err" | awk '/^carsight_bytes_out_total / {print $2}' || true)
  echo "bytesOut ${bytes:-null} $(date +%s.%N)"
}

# measure NAME NAME=PID|NAME=java:PATTERN...: snapshots 5 s after the receivers started and about span seconds later,
# into NAME.t0 and NAME.t1 (a java:PATTERN is looked up then, once the JVM runs)
measure() {
  local name=$1 entry
  shift
  sleep 5
  local processes=()
  for entry in "$@"; do
    if [[ ${entry#*=} == java:* ]]; then
      processes+=("${entry%%=*}=$(java_pid "${entry#*=java:}")")
    else
      processes+=("$entry")
    fi
  done
  snapshot "${processes[@]}" > "$work/$name.t0"
  sleep "$span"
  snapshot "${processes[@]}" > "$work/$name.t1"
}

# LAB_CONFIGS (e.g. "640x480 10 1000000;640x480 30 1500000"), LAB_PHASES (any of consoles browsers relay cost narrow) and
# LAB_LINKS (e.g. "600 3000-800") narrow a
# run down, for a look at one thing
IFS=';' read -r -a configs <<< "${LAB_CONFIGS:-640x480 10 1000000;640x480 30 1500000;640x480 90 2500000;1280x720 30 4000000}"
phases=${LAB_PHASES:-consoles browsers relay cost narrow}
links=${LAB_LINKS:-3000 1200 1000 600 3000-800} # the narrow phase's links, kbit/s (3000-800: drops from 3000 to 800 half-way)
[ "$quick" = 1 ] && links=1000
for config in "${configs[@]}"; do
  read -r size fps bitrate <<<"$config"
  tag="${size}@${fps}"
  camera=(--camera test-pattern --size "$size" --fps "$fps" --bitrate "$bitrate")

  if [[ " $phases " == *" consoles "* ]]; then
  echo "measuring $tag: consoles and Chromium for $seconds s..." >&2
  start_streamer "consoles-$tag" "${camera[@]}"
  console "$work/console-$tag.json" &
  receivers=($!)
  console "$work/nodelay-$tag.json" -Dcarsight.playout-delay=off &
  receivers+=($!)
  chromium_probe ChromiumWhepProbe "$url" "$token" "$work/chromium-$tag.json" &
  receivers+=($!)
  measure "consoles-$tag" streamer="$spid" x264="$xpid" console="java:report $work/console-$tag.json" &
  wait "${receivers[@]}" $! || true
  stop "$spid"
  fi

  if [[ " $phases " == *" browsers "* ]]; then
  echo "measuring $tag: Chromium over WHEP, through Janus and on the page for $seconds s..." >&2
  start_janus "$tag"
  start_streamer "browsers-$tag" "${camera[@]}" --rtp-forward 127.0.0.1:5004
  chromium_probe ChromiumWhepProbe "$url" "$token" "$work/whep-$tag.json" &
  receivers=($!)
  chromium_probe ChromiumJanusProbe http://198.51.100.1:8088 1 "$work/janus-chromium-$tag.json" &
  receivers+=($!)
  chromium_probe ChromiumPageProbe "$url" "$token" "$work/page-$tag.json" &
  receivers+=($!)
  measure "browsers-$tag" streamer="$spid" x264="$xpid" janus="$jpid" &
  wait "${receivers[@]}" $! || true
  stop "$spid" "$jpid"
  fi
done

if [[ " $phases " == *" relay "* ]]; then
# Through a relay: the streamer publishes to Janus (--relay: a mountpoint it makes through Janus's API, SRTP in, the
# frame times in its data channel); the console and Chromium watch through Janus, and beside them straight from the
# streamer, at 640x480@30 1.5 Mbit/s.
relay_url="janus+http://198.51.100.1:8088/janus?mountpoint=7"
echo "relay 640x480@30: console and Chromium through Janus (--relay) and straight from the streamer for $seconds s..." >&2
start_janus relay
start_streamer relay --camera test-pattern --size 640x480 --fps 30 --bitrate 1500000 --relay "$relay_url"
for _ in $(seq 1 100); do
  grep -q "relay: publishing to" "$work/streamer-relay.log" && break
  sleep 0.1
done
receivers=()
if [ "$quick" = 0 ]; then # --quick: only the receivers through the relay (the consoles phase has the direct ones)
  console "$work/relay-console-direct.json" &
  receivers+=($!)
  chromium_probe ChromiumWhepProbe "$url" "$token" "$work/relay-whep.json" &
  receivers+=($!)
fi
console_url=$relay_url console "$work/relay-console.json" &
receivers+=($!)
chromium_probe ChromiumJanusProbe http://198.51.100.1:8088 7 "$work/relay-janus.json" &
receivers+=($!)
measure relay streamer="$spid" janus="$jpid" &
wait "${receivers[@]}" $! || true
stop "$spid" "$jpid"
fi

if [[ " $phases " == *" cost "* ]]; then
# the cost of sending, with the file camera: no encoder in the streamer's process, so its CPU is the sending itself
for viewers in $([ "$quick" = 1 ] && echo 1 || echo 1 4); do
  echo "file camera: $viewers webrtc-java receiver(s) for $seconds s..." >&2
  start_streamer "file-$viewers" --camera "file:$work/clip.h264"
  receivers=()
  for v in $(seq 1 "$viewers"); do
    ip netns exec cslab-v java -Xmx256m -cp "$cp" carsight.streamer.it.WebrtcReceiverProbe "$url" "$token" \
        "$seconds" "$work/file-$viewers-$v.json" > "$work/file-$viewers-$v.log" 2>&1 &
    receivers+=($!)
  done
  measure "file-$viewers" streamer="$spid" &
  wait "${receivers[@]}" $! || true
  stop "$spid"
done
if [ "$quick" = 0 ]; then
echo "file camera: one Chromium from the streamer, one through Janus, for $seconds s..." >&2
start_janus file
start_streamer file-janus --camera "file:$work/clip.h264" --rtp-forward 127.0.0.1:5004
chromium_probe ChromiumWhepProbe "$url" "$token" "$work/file-janus-whep.json" &
receivers=($!)
chromium_probe ChromiumJanusProbe http://198.51.100.1:8088 1 "$work/file-janus-chromium.json" &
receivers+=($!)
measure file-janus streamer="$spid" janus="$jpid" &
wait "${receivers[@]}" $! || true
stop "$spid" "$jpid"
fi
fi

if [[ " $phases " == *" narrow "* ]]; then
# Narrow links: each receiver behind a link of its own from the streamer's namespace, shaped on the streamer's end
# with a token bucket (tc tbf, a second of queue): the console (198.51.100.0/24, the link made above), Chromium over
# WHEP (203.0.113.0/24) and Chromium through Janus (192.0.2.0/24; Janus passes the streamer's RTP through and adapts
# nothing itself). The streamer sends the 640x480@30 test pattern at 1.5 Mbit/s; per link, p50/p95 and frames shown.
ip netns add cslab-w; ip netns add cslab-j
BENCH_NAMESPACES="$BENCH_NAMESPACES cslab-w cslab-j"
ip link add cslabwa type veth peer name cslabwb
ip link add cslabja type veth peer name cslabjb
ip link set cslabwa netns cslab-s; ip link set cslabwb netns cslab-w
ip link set cslabja netns cslab-s; ip link set cslabjb netns cslab-j
ip -n cslab-s addr add 203.0.113.1/24 dev cslabwa; ip -n cslab-w addr add 203.0.113.2/24 dev cslabwb
ip -n cslab-s addr add 192.0.2.1/24 dev cslabja; ip -n cslab-j addr add 192.0.2.2/24 dev cslabjb
for l in "cslab-s cslabwa" "cslab-s cslabja" "cslab-w cslabwb" "cslab-j cslabjb" "cslab-w lo" "cslab-j lo"; do
  read -r ns dev <<<"$l"; ip -n "$ns" link set "$dev" up
done
bench_janus_config "$work/janus-narrow" 192.0.2.1 5004
# shape KBIT: every link from the streamer's namespace carries at most KBIT kbit/s
shape() {
  local dev
  for dev in cslaba cslabwa cslabja; do
    ip netns exec cslab-s tc qdisc replace dev "$dev" root tbf rate "${1}kbit" burst 16kb latency 1000ms
  done
}
for link in $links; do
  echo "narrow link $link kbit/s: console, Chromium over WHEP and Chromium through Janus for $seconds s..." >&2
  shape "${link%-*}"
  start_janus "narrow-$link" "$work/janus-narrow"
  start_streamer "narrow-$link" --listen 0.0.0.0:8080 --camera test-pattern --size 640x480 --fps 30 --bitrate 1500000 \
      --rtp-forward 127.0.0.1:5004
  console "$work/narrow-$link-console.json" &
  receivers=($!)
  ip netns exec cslab-w java -cp "$cp" carsight.streamer.it.ChromiumWhepProbe http://203.0.113.1:8080 "$token" \
      "$((seconds - 3))" "$work/narrow-$link-whep.json" > "$work/narrow-$link-whep.log" 2>&1 &
  receivers+=($!)
  ip netns exec cslab-j java -cp "$cp" carsight.streamer.it.ChromiumJanusProbe http://192.0.2.1:8088 1 \
      "$((seconds - 3))" "$work/narrow-$link-janus.json" > "$work/narrow-$link-janus.log" 2>&1 &
  receivers+=($!)
  if [[ $link == *-* ]]; then
    sleep $((seconds / 2))
    shape "${link#*-}"
    echo "  link now ${link#*-} kbit/s" >&2
  fi
  wait "${receivers[@]}" || true
  grep -E "camera: bitrate" "$work/streamer-narrow-$link.log" | tail -1 > "$work/narrow-$link-camera.txt" || true
  stop "$spid" "$jpid"
done
shape 100000
fi

python3 - "$work" "$out" "$seconds" "$(getconf CLK_TCK)" "$(IFS=';'; echo "${configs[*]}")" "$phases" "$links" "$quick" <<'PY'
import datetime, json, sys
work, out, seconds, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tags = [c.split()[0] + "@" + c.split()[1] for c in sys.argv[5].split(";")]
phases = sys.argv[6].split()
links = sys.argv[7].split()
quick = sys.argv[8] == "1"

def load(name, part=None):
    try:
        data = json.load(open(f"{work}/{name}.json"))
        return data.get(part, {}) if part else data
    except Exception:
        return {}

def usage(name):
    """{process: {"cpuSecondsPerMinute", "peakRssMb"}} over the measuring window, and the streamer's Mbit/s out."""
    def read(suffix):
        try:
            fields = (line.split() for line in open(f"{work}/{name}.{suffix}"))
            return {f[0]: (f[1], f[2]) for f in fields if len(f) == 3}
        except Exception:
            return {}
    t0, t1 = read("t0"), read("t1")
    result = {}
    if "null" not in (t0.get("bytesOut", ("null",))[0], t1.get("bytesOut", ("null",))[0]):
        result["mbpsOut"] = round((int(t1["bytesOut"][0]) - int(t0["bytesOut"][0])) * 8 / 1e6
                                  / (float(t1["bytesOut"][1]) - float(t0["bytesOut"][1])), 2)
    for process, (ticks, rss) in t1.items():
        if process in ("bytesOut", "clock") or process not in t0 or int(ticks) == 0:
            continue
        elapsed = float(t1["clock"][0]) - float(t0["clock"][0])
        result[process] = {"cpuSecondsPerMinute": round((int(ticks) - int(t0[process][0])) / hz * 60 / elapsed, 2),
                           "peakRssMb": None if rss == "null" else int(rss)}
    return result

rows = []
for tag in tags:
    consoles, browsers = usage(f"consoles-{tag}"), usage(f"browsers-{tag}")
    rows.append({"config": tag, "console": load(f"console-{tag}"), "consoleNoPlayoutDelay": load(f"nodelay-{tag}"),
                 "chromium": load(f"chromium-{tag}", "stats"),
                 "consoleCpuSecondsPerMinute": consoles.get("console", {}).get("cpuSecondsPerMinute"),
                 "consolePeakRssMb": consoles.get("console", {}).get("peakRssMb"),
                 "streamerCpuSecondsPerMinute": consoles.get("streamer", {}).get("cpuSecondsPerMinute"),
                 "streamerPeakRssMb": consoles.get("streamer", {}).get("peakRssMb"),
                 "x264CpuSecondsPerMinute": consoles.get("x264", {}).get("cpuSecondsPerMinute"),
                 "browsers": {"chromiumWhep": load(f"whep-{tag}", "stats"),
                              "chromiumJanus": load(f"janus-chromium-{tag}", "stats"),
                              "chromiumPage": load(f"page-{tag}", "stats"),
                              "usage": browsers}})

costs = []
for viewers in ((1,) if quick else (1, 4)):
    u = usage(f"file-{viewers}")
    streamer, mbps = u.get("streamer", {}), u.get("mbpsOut")
    cpu = streamer.get("cpuSecondsPerMinute")
    costs.append({"run": f"{viewers} webrtc-java", "viewers": viewers, "mbpsOut": mbps,
                  "streamerCpuSecondsPerMinute": cpu, "streamerPeakRssMb": streamer.get("peakRssMb"),
                  "streamerCpuSecondsPerMinutePerMbps": round(cpu / mbps, 2) if cpu is not None and mbps else None,
                  "receivers": [{k: load(f"file-{viewers}-{v}").get(k) for k in
                                 ("framesRendered", "firstFrameMs", "longestGapMs", "iceState")}
                                for v in range(1, viewers + 1)]})
if not quick:  # --quick skips the Janus recording run
    u = usage("file-janus")
    streamer, janus, mbps = u.get("streamer", {}), u.get("janus", {}), u.get("mbpsOut")
    per = lambda cpu: round(cpu / mbps, 2) if cpu is not None and mbps else None
    costs.append({"run": "1 Chromium + Janus", "viewers": 1, "rtpForward": True, "mbpsOut": mbps,
                  "streamerCpuSecondsPerMinute": streamer.get("cpuSecondsPerMinute"),
                  "streamerPeakRssMb": streamer.get("peakRssMb"),
                  "streamerCpuSecondsPerMinutePerMbps": per(streamer.get("cpuSecondsPerMinute")),
                  "janusCpuSecondsPerMinute": janus.get("cpuSecondsPerMinute"), "janusPeakRssMb": janus.get("peakRssMb"),
                  "janusCpuSecondsPerMinutePerMbps": per(janus.get("cpuSecondsPerMinute")),
                  "chromiumWhepFramesDecoded": load("file-janus-whep", "stats").get("framesDecoded"),
                  "chromiumJanusFramesDecoded": load("file-janus-chromium", "stats").get("framesDecoded")})

def g(d, *path):
    for p in path:
        d = d.get(p) if isinstance(d, dict) else None
    return d
def f(v):
    return "-" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v))
def pair(d, a, b):
    return f(g(d, a)) + " / " + f(g(d, b))
def table(header, lines):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    for line in [header] + lines:
        print(" | ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())

def truth(report, *keys):
    return " / ".join(f(g(report, "truthLatencyMs", k)) for k in keys)

print("consoles: true capture -> screen latency, ms")
table(["size@fps", "console p50/p95/max", "no playout-delay p50/p95", "Chromium p50/p95", "console meter err p50/p95",
       "1st frame console/Chromium", "CPU s/min streamer/x264/console", "RSS MB streamer/console"],
      [[r["config"], truth(r["console"], "p50", "p95", "max"), truth(r["consoleNoPlayoutDelay"], "p50", "p95"),
        pair(r["chromium"], "truthLatencyP50Ms", "truthLatencyP95Ms"),
        f(g(r["console"], "meterErrorMs", "p50")) + " / " + f(g(r["console"], "meterErrorMs", "p95")),
        f(r["console"].get("firstFrameMs")) + " / " + f(r["chromium"].get("firstFrameMs")),
        " / ".join(f(r[k]) for k in ("streamerCpuSecondsPerMinute", "x264CpuSecondsPerMinute", "consoleCpuSecondsPerMinute")),
        f(r["streamerPeakRssMb"]) + " / " + f(r["consolePeakRssMb"])] for r in rows])
print()
def browsers(b):
    u = b["usage"]
    return [pair(b["chromiumWhep"], "truthLatencyP50Ms", "truthLatencyP95Ms"),
            pair(b["chromiumJanus"], "truthLatencyP50Ms", "truthLatencyP95Ms"),
            pair(b["chromiumPage"], "truthLatencyP50Ms", "truthLatencyP95Ms"),
            " / ".join(f(g(b, p, "arrivalP50Ms")) for p in ("chromiumWhep", "chromiumJanus", "chromiumPage")),
            pair(b["chromiumPage"], "meterErrorP50Ms", "meterErrorP95Ms"),
            f(g(b, "chromiumWhep", "jitterBufferMs")) + " / " + f(g(b, "chromiumJanus", "jitterBufferMs")),
            f(g(b, "chromiumWhep", "firstFrameMs")) + " / " + f(g(b, "chromiumJanus", "firstFrameMs")),
            " / ".join(f(g(u, p, "cpuSecondsPerMinute")) for p in ("streamer", "x264", "janus")),
            f(g(u, "streamer", "peakRssMb")) + " / " + f(g(u, "janus", "peakRssMb"))]

print("browsers: Chromium from the streamer (WHEP), through Janus (fed by --rtp-forward) and on the streamer's page, ms")
table(["size@fps", "WHEP p50/p95", "via Janus p50/p95", "page p50/p95", "arrival p50 WHEP/Janus/page", "page meter err p50/p95",
       "jitter buffer WHEP/Janus", "1st frame WHEP/Janus", "CPU s/min streamer/x264/Janus", "RSS MB streamer/Janus"],
      [[r["config"]] + browsers(r["browsers"]) for r in rows])
print("(arrival: capture → the frame's last packet in, before decoding and the browser's display clock; display is "
      "paced by each headless Chromium's own 60 Hz frame clock, whose phase against the camera's frames differs from "
      "one browser process to the next by up to a refresh, 16.7 ms)")
print("(streamer CPU: its JVM — sending, plus drawing the test pattern; x264 is its ffmpeg child; in the browsers phase "
      "the streamer serves two Chromium and the RTP copy, Janus serves one Chromium)")
print()
print("cost of sending, file camera 1280x720@30 ~4 Mbit/s: CPU s/min, and per Mbit/s sent (to all viewers together)")
table(["run", "Mbit/s out", "streamer CPU", "per Mbit/s", "RSS MB", "Janus CPU", "per Mbit/s", "RSS MB"],
      [[c["run"], f(c["mbpsOut"]), f(c["streamerCpuSecondsPerMinute"]), f(c["streamerCpuSecondsPerMinutePerMbps"]),
        f(c["streamerPeakRssMb"]), f(c.get("janusCpuSecondsPerMinute")), f(c.get("janusCpuSecondsPerMinutePerMbps")),
        f(c.get("janusPeakRssMb"))] for c in costs])
if not quick:
    print(f"(1 Chromium + Janus: the streamer sends to one Chromium and the plain RTP copy to Janus, Janus to one "
          f"Chromium; frames decoded {f(costs[-1]['chromiumWhepFramesDecoded'])} and "
          f"{f(costs[-1]['chromiumJanusFramesDecoded'])})")
relay = None
if "relay" in phases:
    relay = {"consoleDirect": load("relay-console-direct"), "consoleRelay": load("relay-console"),
             "chromiumDirect": load("relay-whep", "stats"), "chromiumRelay": load("relay-janus", "stats"),
             "usage": usage("relay")}
    print()
    print("relay: 640x480@30 1.5 Mbit/s, the streamer publishing to Janus (--relay); true capture -> screen latency, ms")
    table(["receiver", "direct p50/p95", "through the relay p50/p95", "meter err p50/p95 direct/relay",
           "1st frame ms direct/relay"],
          [["console", truth(relay["consoleDirect"], "p50", "p95"), truth(relay["consoleRelay"], "p50", "p95"),
            " / ".join(f(g(relay, c, "meterErrorMs", k)) for c in ("consoleDirect", "consoleRelay") for k in ("p50", "p95")),
            f(relay["consoleDirect"].get("firstFrameMs")) + " / " + f(relay["consoleRelay"].get("firstFrameMs"))],
           ["Chromium", pair(relay["chromiumDirect"], "truthLatencyP50Ms", "truthLatencyP95Ms"),
            pair(relay["chromiumRelay"], "truthLatencyP50Ms", "truthLatencyP95Ms"), "-",
            f(relay["chromiumDirect"].get("firstFrameMs")) + " / " + f(relay["chromiumRelay"].get("firstFrameMs"))]])
    u = relay["usage"]
    print("(CPU s/min streamer/x264/Janus: " + " / ".join(f(g(u, p, "cpuSecondsPerMinute")) for p in
          ("streamer", "x264", "janus")) + "; the streamer serves the direct console and Chromium and the relay, "
          "Janus the relayed console and Chromium)")

narrow = []
if "narrow" in phases:
    import os, re
    def per_second(count, span):
        return round(count / span, 1) if count is not None and span else None
    for link in links:
        c, w, j = load(f"narrow-{link}-console"), load(f"narrow-{link}-whep", "stats"), load(f"narrow-{link}-janus", "stats")
        camera = ""
        if os.path.exists(f"{work}/narrow-{link}-camera.txt"):
            camera = open(f"{work}/narrow-{link}-camera.txt").read().strip()
        m = re.search(r"bitrate [0-9,]+ → ([0-9,]+) kb/s", camera)
        narrow.append({"link": link.replace("-", " → ") + " kbit/s",
                       "console": {"p50": g(c, "truthLatencyMs", "p50"), "p95": g(c, "truthLatencyMs", "p95"),
                                   "framesPerSecond": per_second(c.get("framesRendered"), c.get("durationS"))},
                       "chromium": {"p50": w.get("truthLatencyP50Ms"), "p95": w.get("truthLatencyP95Ms"),
                                    "framesPerSecond": per_second(w.get("framesDecoded"), seconds - 3)},
                       "janus": {"p50": j.get("truthLatencyP50Ms"), "p95": j.get("truthLatencyP95Ms"),
                                 "framesPerSecond": per_second(j.get("framesDecoded"), seconds - 3)},
                       "cameraKbpsAtEnd": int(m.group(1).replace(",", "")) if m else 1500,
                       "lastCameraLine": camera})
    print()
    print("narrow links: each receiver behind its own link of this rate; 640x480@30 test pattern at 1.5 Mbit/s; "
          "true latency p50/p95 ms, frames shown per second")
    table(["link", "console p50/p95", "fps", "Chromium p50/p95", "fps", "via Janus p50/p95", "fps", "camera kb/s at end"],
          [[n["link"], pair(n["console"], "p50", "p95"), f(n["console"]["framesPerSecond"]),
            pair(n["chromium"], "p50", "p95"), f(n["chromium"]["framesPerSecond"]),
            pair(n["janus"], "p50", "p95"), f(n["janus"]["framesPerSecond"]), str(n["cameraKbpsAtEnd"])] for n in narrow])

missing = []
def need(value, what):
    if value is None:
        missing.append(what)
for r in rows:
    c = r["config"]
    if "consoles" in phases:
        need(g(r, "console", "truthLatencyMs", "p50"), f"{c} console (consoles phase)")
        need(g(r, "consoleNoPlayoutDelay", "truthLatencyMs", "p50"), f"{c} console without playout-delay")
        need(g(r, "chromium", "truthLatencyP50Ms"), f"{c} Chromium (consoles phase)")
    if "browsers" in phases:
        for key, what in (("chromiumWhep", "Chromium over WHEP"), ("chromiumJanus", "Chromium through Janus"),
                          ("chromiumPage", "Chromium on the page")):
            need(g(r, "browsers", key, "truthLatencyP50Ms"), f"{c} {what} (browsers phase)")
for n in narrow:
    for who in ("console", "chromium", "janus"):
        need(n[who]["p50"], f"narrow link {n['link']}: {who}")
if relay is not None:
    if not quick:
        need(g(relay, "consoleDirect", "truthLatencyMs", "p50"), "relay phase: console straight from the streamer")
        need(g(relay, "chromiumDirect", "truthLatencyP50Ms"), "relay phase: Chromium straight from the streamer")
    need(g(relay, "consoleRelay", "truthLatencyMs", "p50"), "relay phase: console through the relay")
    need(g(relay, "consoleRelay", "latencyMs", "p50"), "relay phase: the console's meter through the relay")
    need(g(relay, "chromiumRelay", "truthLatencyP50Ms"), "relay phase: Chromium through the relay")
if "cost" in phases:
    for cost in costs:
        need(cost["mbpsOut"], f"file camera, {cost['run']}: bytes sent")
        need(cost["streamerCpuSecondsPerMinute"], f"file camera, {cost['run']}: streamer CPU")
result = {"command": f"sudo bash bench/latency-lab.sh {seconds}",
          "date": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z",
          "secondsPerConfig": seconds, "rows": rows, "relay": relay, "fileCamera": costs, "narrowLinks": narrow}
json.dump(result, open(f"{work}/latency-lab.json", "w"), indent=2)
if missing:
    print(f"bench: no figure from: {'; '.join(missing)} — see the logs in {work}", file=sys.stderr)
    sys.exit(1)
json.dump(result, open(f"{out}/latency-lab.json", "w"), indent=2)
print(f"(JSON: {out}/latency-lab.json; raw logs: {work})")
PY
java -Djava.awt.headless=true -cp "$cp" carsight.console.bench.LatencyPlot "$out/latency-lab.json" "$out/latency-lab.png"
echo "(plot: $out/latency-lab.png)"
