#!/usr/bin/env bash
# The whole test suite: installs what is missing (the browser tests' chromium
# and playwright-core included), builds, runs ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${COMPTOIR_BUILD_DIR:-$ROOT/build}"

"$ROOT/deploy/install-deps.sh" --web-tests
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "error: the browser tests need Node.js 20 or later (playwright-core); found $(node --version)" >&2
  exit 1
fi
# playwright-core, at the version of tests/web/package-lock.json (no browser
# download: the tests drive Debian's chromium).
if [ ! -f "$ROOT/tests/web/node_modules/playwright-core/package.json" ]; then
  (cd "$ROOT/tests/web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
"$ROOT/deploy/build.sh"
cd "$BUILD_DIR"
ctest --output-on-failure -j "${COMPTOIR_JOBS:-2}"
