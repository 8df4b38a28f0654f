#!/usr/bin/env bash
# Builds Comptoir and starts a local network on 127.0.0.1: the hub and the six
# centres of PACTE 59, each node with its own database under one data folder
# and its web till on its own HTTP port, the hub with head office's dashboard.
# Demo accounts are created on the first run (their password is kept in
# <data>/demo-password and printed): head office "siege" at the hub, and at
# each centre a coordinator "coord" and a volunteer "benevole".
# Ctrl-C stops them all cleanly.
#
#   deploy/local-network.sh                 # data in ./comptoir-data, gRPC ports
#                                           # 7400-7406, dashboard 8400,
#                                           # web tills 8401-8406
#   COMPTOIR_DATA=/tmp/net COMPTOIR_BASE_PORT=9400 deploy/local-network.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${COMPTOIR_BUILD_DIR:-$ROOT/build}"
DATA="${COMPTOIR_DATA:-$PWD/comptoir-data}"
BASE_PORT="${COMPTOIR_BASE_PORT:-7400}"
SITES=(hem lille armentieres caudry maubeuge valenciennes)

"$ROOT/deploy/build.sh"
mkdir -p "$DATA/logs"

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the network..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "Stopped. Data kept in $DATA"
}
trap stop_all INT TERM EXIT

wait_ready() {  # name, ready file, pid
  for _ in $(seq 1 100); do
    if [ -s "$2" ]; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      echo "error: $1 did not start; see $DATA/logs/$1.log:" >&2
      tail -5 "$DATA/logs/$1.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "error: $1 did not start within 10 s; see $DATA/logs/$1.log" >&2
  exit 1
}

# Each centre proves its site to the hub with its own token (issued once, kept
# in the data folder; the hub stores only their hashes).
mkdir -p -m 700 "$DATA/tokens"
for site in "${SITES[@]}"; do
  if [ ! -s "$DATA/tokens/$site" ]; then
    "$BUILD_DIR/hub/comptoir-hub" credential issue --credentials "$DATA/credentials" \
      --site "$site" --token-file "$DATA/tokens/$site" >/dev/null
  fi
done

# Each daemon encrypts its backups with its own key (made once, kept in
# backup-keys/, outside the daemons' data; on real machines, a copy goes
# apart from the backups: see README "Back up and restore").
mkdir -p -m 700 "$DATA/backup-keys"
for name in hub "${SITES[@]}"; do
  if [ ! -s "$DATA/backup-keys/$name.key" ]; then
    daemon="$BUILD_DIR/node/comptoir-node"
    if [ "$name" = hub ]; then daemon="$BUILD_DIR/hub/comptoir-hub"; fi
    "$daemon" backup-key new "$DATA/backup-keys/$name.key" >/dev/null
  fi
done

HUB="127.0.0.1:$BASE_PORT"
rm -f "$DATA/hub.addr" "$DATA/hub.web"
"$BUILD_DIR/hub/comptoir-hub" --data "$DATA/hub" --listen "$HUB" --credentials "$DATA/credentials" \
  --backup-key "$DATA/backup-keys/hub.key" \
  --metrics-listen "127.0.0.1:$((BASE_PORT + 2000))" \
  --http-listen "127.0.0.1:$((BASE_PORT + 1000))" --http-ready-file "$DATA/hub.web" \
  --ready-file "$DATA/hub.addr" >>"$DATA/logs/hub.log" 2>&1 &
pids+=($!)
wait_ready hub "$DATA/hub.addr" "$!"
wait_ready hub "$DATA/hub.web" "$!"

port=$BASE_PORT
for site in "${SITES[@]}"; do
  port=$((port + 1))
  rm -f "$DATA/$site.addr" "$DATA/$site.web"
  "$BUILD_DIR/node/comptoir-node" --site "$site" --data "$DATA/$site" \
    --listen "127.0.0.1:$port" --hub "$HUB" --token-file "$DATA/tokens/$site" \
    --backup-key "$DATA/backup-keys/$site.key" \
    --http-listen "127.0.0.1:$((port + 1000))" --http-ready-file "$DATA/$site.web" \
    --metrics-listen "127.0.0.1:$((port + 2000))" --ready-file "$DATA/$site.addr" >>"$DATA/logs/$site.log" 2>&1 &
  pids+=($!)
  wait_ready "$site" "$DATA/$site.addr" "$!"
done

# Demo accounts, made by each machine's administrator through its Unix socket
# (only this user may open it), once.
CLI="$BUILD_DIR/node/cli/comptoir"
PASSWORD_FILE="$DATA/demo-password"
if [ ! -s "$PASSWORD_FILE" ]; then
  (umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$PASSWORD_FILE")
fi
if ! "$CLI" --hub "unix:$DATA/hub/comptoir.sock" hub account list | grep -q '^siege '; then
  "$CLI" --hub "unix:$DATA/hub/comptoir.sock" hub account create --login siege \
    --role head-office --password-file "$PASSWORD_FILE" >/dev/null
fi
for site in "${SITES[@]}"; do
  admin="unix:$DATA/$site/comptoir.sock"
  accounts=$("$CLI" --node "$admin" account list)
  for account in coord:coordinator benevole:volunteer; do
    if ! grep -q "^${account%%:*} " <<<"$accounts"; then
      "$CLI" --node "$admin" account create --login "${account%%:*}" --role "${account#*:}" \
        --password-file "$PASSWORD_FILE" >/dev/null
    fi
  done
done

echo
echo "Comptoir local network is running (data and logs in $DATA):"
printf '  %-13s %-17s dashboard: http://%s/\n' hub "$(cat "$DATA/hub.addr")" "$(cat "$DATA/hub.web")"
for site in "${SITES[@]}"; do
  printf '  %-13s %-17s web till: http://%s/\n' "$site" "$(cat "$DATA/$site.addr")" "$(cat "$DATA/$site.web")"
done
echo
echo
echo "Demo accounts, password $(cat "$PASSWORD_FILE") (kept in $PASSWORD_FILE):"
echo "  head office:  siege      (the dashboard; comptoir hub login --user siege)"
echo "  each centre:  coord      (coordinateur)   benevole   (bénévole)"
echo "  at another centre, a centre's account logs in as coord@hem"
echo
echo "Try:  $CLI --node $(cat "$DATA/hem.addr") login --user coord"
echo "      $CLI --node $(cat "$DATA/hem.addr") sync status"
echo "      $CLI --hub $HUB hub login --user siege   then   $CLI --hub $HUB hub status"
echo "      $CLI --node unix:$DATA/hem/comptoir.sock audit   # hem's administrator, no login"
echo "      $CLI --node unix:$DATA/hem/comptoir.sock backup $DATA/hem-backup   # encrypted with backup-keys/hem.key"
echo "      curl -s http://127.0.0.1:$((BASE_PORT + 2001))/metrics   # hem's metrics (hub: $((BASE_PORT + 2000)))"
echo "      and the worked examples of README.md (\"At the till\", \"Moving surplus\")."
echo "Web till of hem: http://$(cat "$DATA/hem.web")/ (in a browser on this machine)"
echo "Head office's dashboard: http://$(cat "$DATA/hub.web")/ (in a browser on this machine)"
echo "Press Ctrl-C to stop."
wait
