#!/usr/bin/env bash
# The project's test command: installs what the tests need (when missing), then builds and runs every test,
# including the installers (profile packages: both .deb files, checked by packaging/src/test/*IT), then a short
# fuzzing run of every parser that reads the network (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-machine.sh
# the fuzz tests' saved inputs are replayed by the fuzzing run below, not twice
mvn -B -ntp -Ppackages verify -Dcarsight.fuzz.replay.skip=true "$@"
bash scripts/fuzz.sh 10s
