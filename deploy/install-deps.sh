#!/usr/bin/env bash
# Installs what Comptoir needs to build and test, from Debian 12's packages,
# skipping what is already installed. Needs root (or sudo) only if something
# is missing.
#
#   deploy/install-deps.sh              # to build and run Comptoir
#   deploy/install-deps.sh --web-tests  # also what the web till's browser tests
#                                       # need: chromium and Node.js with npm
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libssl-dev libcli11-dev tzdata
  libcpp-httplib-dev openssl libsodium-dev
  dpkg-dev file systemd
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # the libFuzzer targets (tests/fuzz)
)

if [ "${1:-}" = "--web-tests" ]; then
  PACKAGES+=(chromium)
  # Node.js 20 or later with npm (the machines come with it; Debian 12's own
  # nodejs is 18, which run-tests.sh reports as too old for playwright-core).
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi
fi

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "error: these packages are missing and you are not root: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
