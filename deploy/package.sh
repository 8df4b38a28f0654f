#!/usr/bin/env bash
# Builds the Debian packages comptoir-hub, comptoir-node and comptoir-cli into
# build/packages/ (or $COMPTOIR_BUILD_DIR/packages), then checks them with
# deploy/check-packages.sh.
#
#   deploy/package.sh
#   sudo apt install ./build/packages/comptoir-cli_*.deb ./build/packages/comptoir-node_*.deb
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${COMPTOIR_BUILD_DIR:-$ROOT/build}"

"$ROOT/deploy/build.sh"
rm -rf "$BUILD_DIR/packages"
(cd "$BUILD_DIR" && cpack -G DEB --config CPackConfig.cmake >/dev/null)
"$ROOT/deploy/check-packages.sh" "$BUILD_DIR/packages"
ls -1 "$BUILD_DIR"/packages/*.deb
