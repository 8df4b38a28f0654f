#!/usr/bin/env bash
# PackagesTest: builds the Debian packages from the build tree into a temporary
# folder (CPack) and checks them with deploy/check-packages.sh.
#   packages_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1; then
  cat "$out/cpack.log"
  exit 1
fi
"$source/deploy/check-packages.sh" "$out"
