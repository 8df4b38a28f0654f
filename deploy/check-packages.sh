#!/usr/bin/env bash
# Checks the Debian packages in DIR (made by deploy/package.sh): each unpacks
# (dpkg -x) into a clean folder with the files an installation needs, its
# programs run from there, the example settings name only real settings, and
# systemd-analyze verify accepts the units (systemd is installed if missing).
# Exit status 0 when all is well; otherwise what is wrong is printed.
set -euo pipefail
DIR=${1:?usage: check-packages.sh DIR}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

fail() { echo "check-packages: $*" >&2; exit 1; }

for package in comptoir-hub comptoir-node comptoir-cli; do
  deb=$(ls "$DIR"/${package}_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || fail "no ${package}_*.deb in $DIR"
  dpkg-deb --info "$deb" >/dev/null || fail "$deb is not a Debian package"
  dpkg -x "$deb" "$root"
done
dpkg-deb --field "$(ls "$DIR"/comptoir-hub_*.deb)" Depends | grep -q comptoir-cli ||
  fail "comptoir-hub must depend on comptoir-cli"
dpkg-deb --field "$(ls "$DIR"/comptoir-node_*.deb)" Depends | grep -q libgrpc ||
  fail "comptoir-node must depend on the shared libraries it links (shlibdeps)"

for file in usr/bin/comptoir-hub usr/bin/comptoir-node usr/bin/comptoir \
            usr/lib/systemd/system/comptoir-hub.service \
            usr/lib/systemd/system/comptoir-node@.service \
            usr/share/comptoir/make-certs.sh usr/share/comptoir/config/hub.conf \
            usr/share/doc/comptoir-node/README.md; do
  [ -e "$root/$file" ] || fail "$file is missing from the packages"
done
for site in hem lille armentieres caudry maubeuge valenciennes; do
  [ -e "$root/usr/share/comptoir/config/$site.conf" ] || fail "no example settings for $site"
  "$root/usr/bin/comptoir-node" --config "$root/usr/share/comptoir/config/$site.conf" --help \
    >/dev/null || fail "usr/share/comptoir/config/$site.conf has settings comptoir-node refuses"
done
"$root/usr/bin/comptoir-hub" --config "$root/usr/share/comptoir/config/hub.conf" --help \
  >/dev/null || fail "usr/share/comptoir/config/hub.conf has settings comptoir-hub refuses"
"$root/usr/bin/comptoir" --help >/dev/null || fail "comptoir does not run"

if ! command -v systemd-analyze >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends systemd
fi
# The units are checked as systemd would load them (the template through an
# instance), their ExecStart pointing at the unpacked programs so that verify
# also checks those exist and are executable.
units=$(mktemp -d)
trap 'rm -rf "$root" "$units"' EXIT
sed "s|/usr/bin/|$root/usr/bin/|" "$root/usr/lib/systemd/system/comptoir-hub.service" \
  >"$units/comptoir-hub.service"
sed "s|/usr/bin/|$root/usr/bin/|" "$root/usr/lib/systemd/system/comptoir-node@.service" \
  >"$units/comptoir-node@.service"
ln -s comptoir-node@.service "$units/comptoir-node@hem.service"
output=$(cd "$units" && systemd-analyze verify --man=no \
  ./comptoir-hub.service ./comptoir-node@hem.service 2>&1) ||
  fail "systemd-analyze verify refuses the units: $output"
# verify also reports problems without failing: any line about our units is one.
if echo "$output" | grep -q "comptoir"; then fail "systemd-analyze verify: $output"; fi
echo "check-packages: comptoir-hub, comptoir-node and comptoir-cli are complete; units verified"
