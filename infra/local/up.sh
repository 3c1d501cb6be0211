#!/usr/bin/env bash
# Starts the whole service locally: DynamoDB Local, the table, the local token issuer and every
# function under `cargo lambda watch`, on the same paths as production. Ctrl-C stops it all.
#
#   API_PORT (9000), DYNAMODB_PORT (8000), ISSUER_PORT (9100) move the ports.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
API_PORT="${API_PORT:-9000}"
DYNAMODB_PORT="${DYNAMODB_PORT:-8000}"
ISSUER_PORT="${ISSUER_PORT:-9100}"
cd "$ROOT"

"$ROOT/infra/local/install.sh"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_pidfile "$STATE_DIR/dynamodb-$DYNAMODB_PORT.pid"
}
trap cleanup EXIT INT TERM

log "starting DynamoDB Local on port $DYNAMODB_PORT"
start_dynamodb "$DYNAMODB_PORT"

log "building the local tools"
cargo build --quiet -p customers-tests --bins
DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMODB_PORT" ./target/debug/local-stack create-table "$TABLE_NAME"

log "starting the local token issuer on port $ISSUER_PORT"
./target/debug/local-issuer serve "$ISSUER_PORT" &
pids+=($!)
wait_for_port "$ISSUER_PORT" 30

log "starting the functions with cargo lambda watch on port $API_PORT"
cargo lambda watch --quiet -A 127.0.0.1 -P "$API_PORT" \
  --env-var "TABLE_NAME=$TABLE_NAME" \
  --env-var "DYNAMODB_ENDPOINT=http://127.0.0.1:$DYNAMODB_PORT" \
  --env-var "JWT_JWKS_URL=http://127.0.0.1:$ISSUER_PORT/.well-known/jwks.json" \
  --env-var "JWT_ISSUER=$LOCAL_ISSUER" \
  --env-var "JWT_AUDIENCE=$LOCAL_AUDIENCE" \
  --env-var "RUST_LOG=info" &
pids+=($!)
wait_for_port "$API_PORT" 120
log "compiling and starting the functions (the first time takes a few minutes)"
warm_up "http://127.0.0.1:$API_PORT/profiles/1"
warm_up "http://127.0.0.1:$API_PORT/profiles/temporary/1"
warm_up "http://127.0.0.1:$API_PORT/profiles/verify-credentials"

cat <<INFO

  The customers API is running at http://127.0.0.1:$API_PORT  (paths as in production, e.g. /profiles)
  DynamoDB Local:        http://127.0.0.1:$DYNAMODB_PORT  (table "$TABLE_NAME")
  Token issuer (JWKS):   http://127.0.0.1:$ISSUER_PORT/.well-known/jwks.json

  A token for organisation 1 (any number works):
    TOKEN=\$(cargo run -q -p customers-tests --bin local-issuer -- token 1)

  Then, for example:
    curl -s -X POST http://127.0.0.1:$API_PORT/profiles -H "Authorization: Bearer \$TOKEN" \\
      -H 'ET-Client-Name: acme-shop' -H 'Content-Type: application/json' \\
      --data '{"firstName": "Ola", "surname": "Nordmann", "email": "ola@nordmann.org", "languagePreference": "NO", "createdBy": "test", "createdByChannel": "test", "organisationId": 1, "password":"abcD123"}'

  Ctrl-C stops everything.
INFO
wait
