#!/usr/bin/env bash
# Installs the dependencies if needed, then configures and builds Comptoir in
# build/ (or $COMPTOIR_BUILD_DIR). Two parallel jobs: the machines have 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${COMPTOIR_BUILD_DIR:-$ROOT/build}"
JOBS="${COMPTOIR_JOBS:-2}"
# ccache: paths relative to the checkout, so another clone of the project
# (a CI run on a clean clone) reuses what this machine already compiled.
# (Debug information then names the first clone's paths: harmless.)
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"

"$ROOT/deploy/install-deps.sh"
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
