#!/usr/bin/env bash
# The project's test command: installs what the tests need (when missing), then builds and runs every test — the
# unit tier (mvn test), then the second tier in verify (real peers, browsers and windows in network namespaces,
# ffmpeg) and the installers (profile packages: both .deb files, checked by packaging/src/test/*IT) — then the link
# emulator's and the road metrics' own tests, every benchmark in its quick mode (scripts/bench-smoke.sh), then a
# short fuzzing run of every parser that reads the network (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-machine.sh
# the fuzz tests' saved inputs are replayed by the fuzzing run below, not twice
# install: the benchmarks' class paths come from the local repository
mvn -B -ntp -Ppackages install -Dcarsight.fuzz.replay.skip=true "$@"
python3 -m unittest bench/link/test_roadlink.py bench/road/test_metrics.py
bash scripts/bench-smoke.sh
bash scripts/fuzz.sh 3s
