#!/usr/bin/env bash
# Makes the Comptoir network's TLS material with the openssl command line:
# a private CA (made once, kept), the hub's server certificate, and one client
# certificate per centre whose common name (CN) is the centre's site id. The
# hub accepts a centre's sync stream only with a certificate signed by this CA,
# and only for the site in its CN.
#
#   deploy/make-certs.sh DIR                  # CA (if missing), hub and the six centres
#   deploy/make-certs.sh DIR douai            # a new centre (or re-issue one: rotation)
#   deploy/make-certs.sh DIR hub              # re-issue the hub's certificate
#
# Environment:
#   COMPTOIR_HUB_NAMES  names and addresses the centres reach the hub by, comma-separated,
#                       e.g. hub.pacte59.fr,192.0.2.10 (localhost and 127.0.0.1 are always
#                       added, for the comptoir CLI on the hub's machine); when the hub's
#                       certificate is re-issued without it, the current names are kept
#   COMPTOIR_CERT_DAYS  validity of hub and centre certificates in days (default 825)
#   COMPTOIR_CA_DAYS    validity of a new CA in days (default 3650)
#
# Files in DIR: ca.crt (give it to every daemon), ca.key (keep it offline: it
# signs new certificates), hub.crt/hub.key, <site>.crt/<site>.key. Keys are
# written mode 600.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
dir=$1
shift
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(hub hem lille armentieres caudry maubeuge valenciennes)
fi
days=${COMPTOIR_CERT_DAYS:-825}
ca_days=${COMPTOIR_CA_DAYS:-3650}
hub_names="localhost,127.0.0.1${COMPTOIR_HUB_NAMES:+,$COMPTOIR_HUB_NAMES}"

command -v openssl >/dev/null || { echo "error: openssl is missing (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
umask 077
org="/O=PACTE 59 Comptoir"

if [ ! -f "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" -days "$ca_days" \
    -subj "$org/CN=Comptoir network CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 644 "$dir/ca.crt"
  echo "created the network CA: $dir/ca.crt (keep $dir/ca.key offline)"
fi

# issue NAME USAGE [SUBJECT_ALT_NAMES]
issue() {
  local name=$1 usage=$2 alt=${3:-}
  local ext
  ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    if [ -n "$alt" ]; then echo "subjectAltName=$alt"; fi
  } >"$ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -keyout "$dir/$name.key.new" -out "$dir/$name.csr" -subj "$org/CN=$name" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -CAcreateserial -sha256 -days "$days" -extfile "$ext" -out "$dir/$name.crt.new" 2>/dev/null
  rm -f "$ext" "$dir/$name.csr"
  mv "$dir/$name.key.new" "$dir/$name.key"
  mv "$dir/$name.crt.new" "$dir/$name.crt"
  chmod 600 "$dir/$name.key"
  chmod 644 "$dir/$name.crt"
  echo "issued $dir/$name.crt (CN=$name, until $(openssl x509 -in "$dir/$name.crt" -noout -enddate | cut -d= -f2))"
}

for name in "${names[@]}"; do
  if ! [[ $name =~ ^[a-z0-9_-]{1,32}$ ]]; then
    echo "error: '$name' is not a site id (1-32 of a-z, 0-9, _ and -)" >&2
    exit 2
  fi
  if [ "$name" = hub ] && [ -z "${COMPTOIR_HUB_NAMES:-}" ] && [ -f "$dir/hub.crt" ]; then
    # Re-issuing (rotation): keep the names of the current certificate.
    alt=$(openssl x509 -in "$dir/hub.crt" -noout -ext subjectAltName | tail -n +2 |
      sed -e 's/IP Address:/IP:/g' -e 's/ //g')
    issue hub serverAuth "$alt"
  elif [ "$name" = hub ]; then
    alt=""
    IFS=',' read -ra hosts <<<"$hub_names"
    for host in "${hosts[@]}"; do
      if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then
        alt="${alt:+$alt,}IP:$host"
      else
        alt="${alt:+$alt,}DNS:$host"
      fi
    done
    issue hub serverAuth "$alt"
  else
    issue "$name" clientAuth
  fi
done
