#!/usr/bin/env bash
# The project's test command: installs what the tests need (when missing), then builds and runs every test,
# including the installers (profile packages: both .deb files, checked by packaging/src/test/*IT), then a short
# fuzzing run of every parser that reads the network (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-machine.sh
mvn -B -ntp -Ppackages verify "$@"
bash scripts/fuzz.sh 10s
