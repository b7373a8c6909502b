#!/usr/bin/env bash
# Fuzzes the parsers that take input from the network or the camera (Jazzer): the signaling codec, the SDP offer
# parser and answer builder, RTCP, the STUN checks and datagram demux, the Annex-B reader, and what /signal reads
# before authentication. Each fuzz test class runs in its own JVM (Jazzer fuzzes one target per JVM).
# A crash is saved under src/test/resources/.../<Test>Inputs/<method>/crash-* and from then on replayed by every
# build as a regression test; the run fails so the finding is seen.
# Usage: bash scripts/fuzz.sh [DURATION]   (per target: 3s in the test command; e.g. 10m for a real session)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
log=$(mktemp /tmp/carsight-fuzz.XXXXXX.log)
echo "fuzz: every *FuzzTest for $duration each (log: $log)"
if JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$duration mvn -B -ntp test -pl shared-protocol,pi-streamer \
    -Dtest='*FuzzTest' -DreuseForks=false -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1; then
  grep -E "Done [0-9]+ runs|Tests run:.*in carsight" "$log" | sed 's/^\[INFO\] //'
  echo "fuzz: no findings"
else
  grep -E "Done [0-9]+ runs|Tests run:.*in carsight|== Java Exception|Caused by|Test unit written|FAIL" "$log" | head -40
  echo "fuzz: findings above; inputs saved as crash-* files under src/test/resources (see $log)" >&2
  exit 1
fi
