# Shared by the bench scripts (source it): two network namespaces joined by a veth pair, removed on exit,
# the test class path, and a 720p30 clip for the file camera. Needs root, iproute2 and ffmpeg.

# bench_namespaces NS_STREAMER NS_VIEWER IF_PREFIX: 198.51.100.1 (streamer) <-> 198.51.100.2 (viewers)
bench_namespaces() {
  BENCH_NAMESPACES="$1 $2"
  trap bench_cleanup EXIT
  bench_cleanup
  ip netns add "$1"; ip netns add "$2"
  ip link add "${3}a" type veth peer name "${3}b"
  ip link set "${3}a" netns "$1"; ip link set "${3}b" netns "$2"
  ip -n "$1" addr add 198.51.100.1/24 dev "${3}a"; ip -n "$2" addr add 198.51.100.2/24 dev "${3}b"
  for ns in $1 $2; do ip -n "$ns" link set lo up; done
  ip -n "$1" link set "${3}a" up; ip -n "$2" link set "${3}b" up
}

bench_cleanup() {
  for ns in ${BENCH_NAMESPACES:-}; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}

# bench_fail MESSAGE [LOG]: says what went wrong (with the end of LOG) and stops the script
bench_fail() {
  echo "bench: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then tail -40 "$2" >&2; fi
  exit 1
}

# bench_build WORK MODULE: builds and installs every module as the test command does (Maven fetches what the local
# repository lacks; CARSIGHT_BENCH_BUILT=1 skips this when it was just done), then writes MODULE's test class path to
# WORK/cp.txt; stops the script when either fails
bench_build() {
  if [ "${CARSIGHT_BENCH_BUILT:-}" = 1 ]; then
    : > "$1/build.log" # built once already by the caller (scripts/bench-smoke.sh)
  else
    echo "building..." >&2
    mvn -B -q -ntp -DskipTests install > "$1/build.log" 2>&1 \
        || bench_fail "the build failed (mvn -B -ntp -DskipTests install; log $1/build.log):" "$1/build.log"
  fi
  mvn -B -q -ntp -pl "$2" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$1/cp.txt" \
      >> "$1/build.log" 2>&1 || bench_fail "cannot get $2's class path (log $1/build.log):" "$1/build.log"
  [ -s "$1/cp.txt" ] || bench_fail "$2's class path came out empty (log $1/build.log)" "$1/build.log"
}

# bench_streamer_classpath WORK: builds and prints the streamer's class path with its test classes (the probes)
bench_streamer_classpath() {
  bench_build "$1" pi-streamer
  echo "pi-streamer/target/test-classes:pi-streamer/target/classes:shared-protocol/target/classes:$(cat "$1/cp.txt")"
}

# bench_console_classpath WORK: builds and prints the console's class path with its test classes (the console, and
# through the streamer's test jar the Chromium and webrtc-java probes)
bench_console_classpath() {
  bench_build "$1" console-app
  echo "console-app/target/test-classes:console-app/target/classes:$(cat "$1/cp.txt")"
}

# bench_probe_figure JSON FIELD WHAT: the field's value in a probe's summary; stops the script, naming WHAT, when the
# probe wrote no summary, failed, or gave no such figure
bench_probe_figure() {
  local value
  value=$(python3 -c "import json,sys
d = json.load(open(sys.argv[1]))
if d.get('failure'): sys.exit('failed: ' + d['failure'])
v = d.get('stats', d)
for k in sys.argv[2].split('.'): v = v.get(k) if isinstance(v, dict) else None
if v is None: sys.exit('no ' + sys.argv[2])
print(v)" "$1" "$2" 2>&1) || bench_fail "$3 gave no figure: $value (see ${1%.json}.log)" "${1%.json}.log"
  echo "$value"
}

# bench_clip FILE SECONDS [SIZE FPS BITRATE]: a baseline clip with a keyframe every second (default 1280x720@30,
# ~4 Mbit/s)
bench_clip() {
  local size=${3:-1280x720} fps=${4:-30} rate=${5:-4M}
  echo "encoding a $size@$fps $rate baseline clip..." >&2
  ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=$size:rate=$fps" -t "$2" -c:v libx264 \
      -preset veryfast -profile:v baseline -b:v "$rate" -maxrate "$rate" -bufsize "$rate" -g "$fps" \
      -x264-params repeat-headers=1 -f h264 -y "$1"
}

# bench_wait_listening LOG: until the streamer says it listens (10 s at most)
bench_wait_listening() {
  for _ in $(seq 1 100); do grep -q "listening on" "$1" && return 0; sleep 0.1; done
  echo "the streamer did not start:" >&2; cat "$1" >&2; return 1
}

cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }

# java_pid TEXT: the JVM whose command line contains TEXT
java_pid() {
  pgrep -f "$1" | while read -r p; do [ "$(cat /proc/"$p"/comm 2>/dev/null)" = java ] && echo "$p"; done | head -1
}

# bench_janus_config DIR HTTP_IP RTP_PORT: a Janus 1.x configuration folder in DIR with only the streaming plugin and
# the plain HTTP transport (the API on HTTP_IP:8088, no admin API), host candidates on HTTP_IP only (no STUN/TURN),
# and one RTP mountpoint (id 1) taking H.264 payload type 96 on 127.0.0.1:RTP_PORT — what --rtp-forward sends.
# Run it with: janus -F DIR
bench_janus_config() {
  local dir=$1 ip=$2 port=$3 lib plugins transports loggers
  lib=$(dirname "$(dirname "$(ls /usr/lib/*/janus/plugins/libjanus_streaming.so 2>/dev/null | head -1)")")
  [ -d "$lib/plugins" ] || { echo "Janus is not installed (apt-get install janus)" >&2; return 1; }
  mkdir -p "$dir"
  # everything the package ships is loaded unless disabled by name
  plugins=$(cd "$lib/plugins" && ls lib*.so | grep -vx libjanus_streaming.so | paste -sd, - || true)
  transports=$(cd "$lib/transports" && ls lib*.so | grep -vx libjanus_http.so | paste -sd, - || true)
  loggers=$(cd "$lib/loggers" 2>/dev/null && ls lib*.so 2>/dev/null | paste -sd, - || true)
  cat > "$dir/janus.jcfg" <<CFG
general: {
  configs_folder = "$dir"
  plugins_folder = "$lib/plugins"
  transports_folder = "$lib/transports"
  events_folder = "$lib/events"
  loggers_folder = "$lib/loggers"
  debug_level = 4
  server_name = "carsight-lab"
  interface = "$ip"
}
media: {
  rtp_port_range = "20000-40000"
}
nat: {
  nice_debug = false
  ice_enforce_list = "$ip"
}
plugins: {
  disable = "$plugins"
}
transports: {
  disable = "$transports"
}
loggers: {
  disable = "$loggers"
}
events: {
  broadcast = false
}
CFG
  cat > "$dir/janus.transport.http.jcfg" <<CFG
general: {
  json = "compact"
  base_path = "/janus"
  http = true
  ip = "$ip"
  port = 8088
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
CFG
  cat > "$dir/janus.plugin.streaming.jcfg" <<CFG
general: {
}
carsight: {
  type = "rtp"
  id = 1
  description = "carsight --rtp-forward"
  audio = false
  video = true
  videoport = $port
  videoiface = "127.0.0.1"
  videopt = 96
  videocodec = "h264"
  videofmtp = "profile-level-id=42e01f;packetization-mode=1"
  playoutdelay_ext = true
}
CFG
}
