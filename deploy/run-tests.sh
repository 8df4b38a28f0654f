#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${COMPTOIR_BUILD_DIR:-$ROOT/build}"

"$ROOT/deploy/build.sh"
cd "$BUILD_DIR"
ctest --output-on-failure -j "${COMPTOIR_JOBS:-2}"
