#!/usr/bin/env bash
# Installs the system packages the test suite needs on a Debian machine, only those that are missing.
# Needs root (or sudo) the first time; does nothing when everything is present.
set -euo pipefail

# command-or-file : Debian package
needs=(
  "ffmpeg:ffmpeg"
  "chromium:chromium"
  "chromedriver:chromium-driver"
  "turnserver:coturn"
  "nft:nftables"
  "ip:iproute2"
  "pkill:procps"
  "Xvfb:xvfb"
  "/usr/lib/x86_64-linux-gnu/libpulse.so.0:libpulse0"
  "/usr/lib/x86_64-linux-gnu/libsoftokn3.so:libnss3"
  "lintian:lintian"
  "fakeroot:fakeroot"
  "dpkg-deb:dpkg"
  "import:imagemagick"
  "xdotool:xdotool"
  "fc-list:fontconfig"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core"
  "janus:janus"
  "firefox-esr:firefox-esr"
  "python3:python3"
)

# Janus is the latency lab's outside anchor and runs only inside the lab's network namespaces, with the lab's own
# configuration: never as the package's system service on this machine's interfaces.
janus_service_off() {
  if [[ -d /run/systemd/system ]] && systemctl is-enabled --quiet janus.service 2>/dev/null; then
    echo "setup: disabling the janus system service (the latency lab starts its own Janus in a namespace)"
    $sudo systemctl disable --now janus.service >/dev/null 2>&1 || true
  fi
}
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi

missing=()
for entry in "${needs[@]}"; do
  probe=${entry%%:*}
  package=${entry##*:}
  if [[ $probe == /* ]]; then
    [[ -e $probe ]] && continue
  else
    command -v "$probe" >/dev/null 2>&1 && continue
    [[ -x /usr/sbin/$probe || -x /sbin/$probe ]] && continue
  fi
  missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  janus_service_off
  echo "setup: all test packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# While installing, no package may start its service (janus, coturn): invoke-rc.d and deb-systemd-invoke ask
# policy-rc.d, and 101 means "not now". Only if the machine has no policy of its own; removed whatever happens.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod 755 /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
janus_service_off
echo "setup: done"
