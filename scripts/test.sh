#!/usr/bin/env bash
# The project's test command: installs what the tests need (when missing), then builds and runs every test,
# including the installers (profile packages: both .deb files, checked by packaging/src/test/*IT).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-machine.sh
exec mvn -B -ntp -Ppackages verify "$@"
