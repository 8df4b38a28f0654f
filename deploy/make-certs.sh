#!/usr/bin/env bash
# Makes the Comptoir network's TLS material with the openssl command line:
# a private CA (made once, kept), the hub's server certificate, and one client
# certificate per centre whose common name (CN) is the centre's site id. The
# hub accepts a centre's sync stream only with a certificate signed by this CA,
# and only for the site in its CN. A name starting with web- is the server
# certificate of a web till served on a centre's network (node --http-tls-cert).
#
#   deploy/make-certs.sh DIR                  # CA (if missing), hub and the six centres
#   deploy/make-certs.sh DIR douai            # a new centre (or re-issue one: rotation)
#   deploy/make-certs.sh DIR hub              # re-issue the hub's certificate
#   COMPTOIR_WEB_NAMES=caisse.hem.local,192.168.1.20 deploy/make-certs.sh DIR web-hem
#                                             # hem's web till, for the counters' PCs
#
# Environment:
#   COMPTOIR_HUB_NAMES  names and addresses the centres reach the hub by, comma-separated,
#                       e.g. hub.pacte59.fr,192.0.2.10 (localhost and 127.0.0.1 are always
#                       added, for the comptoir CLI on the hub's machine); when the hub's
#                       certificate is re-issued without it, the current names are kept
#   COMPTOIR_WEB_NAMES  names and addresses the tills' browsers reach a web till by (its
#                       --http-name), comma-separated; required for a new web-* certificate,
#                       kept from the current one when re-issued without it
#   COMPTOIR_CERT_DAYS  validity of the certificates in days (default 825)
#   COMPTOIR_CA_DAYS    validity of a new CA in days (default 3650)
#
# Files in DIR: ca.crt (give it to every daemon, and to the tills' browsers for
# a web till), ca.key (keep it offline: it signs new certificates),
# hub.crt/hub.key, <site>.crt/<site>.key, web-<site>.crt/web-<site>.key. Keys
# are written mode 600.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'
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

# alt_names LIST: the subjectAltName of comma-separated names and addresses.
alt_names() {
  local alt="" host hosts
  IFS=',' read -ra hosts <<<"$1"
  for host in "${hosts[@]}"; do
    host=${host// /}
    [ -n "$host" ] || continue
    if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then
      alt="${alt:+$alt,}IP:$host"
    else
      alt="${alt:+$alt,}DNS:$host"
    fi
  done
  echo "$alt"
}

# current_alt_names NAME: the subjectAltName of DIR/NAME.crt (to re-issue it).
current_alt_names() {
  openssl x509 -in "$dir/$1.crt" -noout -ext subjectAltName | tail -n +2 |
    sed -e 's/IP Address:/IP:/g' -e 's/ //g'
}

for name in "${names[@]}"; do
  if ! [[ $name =~ ^[a-z0-9_-]{1,32}$ ]]; then
    echo "error: '$name' is not a site id (1-32 of a-z, 0-9, _ and -)" >&2
    exit 2
  fi
  if [ "$name" = hub ] && [ -z "${COMPTOIR_HUB_NAMES:-}" ] && [ -f "$dir/hub.crt" ]; then
    # Re-issuing (rotation): keep the names of the current certificate.
    issue hub serverAuth "$(current_alt_names hub)"
  elif [ "$name" = hub ]; then
    issue hub serverAuth "$(alt_names "$hub_names")"
  elif [[ $name == web-* ]] && [ -n "${COMPTOIR_WEB_NAMES:-}" ]; then
    issue "$name" serverAuth "$(alt_names "$COMPTOIR_WEB_NAMES")"
  elif [[ $name == web-* ]] && [ -f "$dir/$name.crt" ]; then
    issue "$name" serverAuth "$(current_alt_names "$name")"
  elif [[ $name == web-* ]]; then
    echo "error: $name is a web till's certificate: set COMPTOIR_WEB_NAMES to the names its" \
      "browsers use (e.g. COMPTOIR_WEB_NAMES=caisse.hem.local,192.168.1.20)" >&2
    exit 2
  else
    issue "$name" clientAuth
  fi
done
