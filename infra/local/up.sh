#!/usr/bin/env bash
# Starts the whole service locally: DynamoDB Local, the table, SNS/SQS (moto), the local token
# issuer, every function under `cargo lambda watch` on the same paths as production, and the
# stream poller that feeds change-events as Lambda would. Ctrl-C stops it all.
#
#   API_PORT (9000), DYNAMODB_PORT (8000), ISSUER_PORT (9100) move the ports.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
API_PORT="${API_PORT:-9000}"
DYNAMODB_PORT="${DYNAMODB_PORT:-8000}"
ISSUER_PORT="${ISSUER_PORT:-9100}"
MOTO_PORT="${MOTO_PORT:-5000}"
cd "$ROOT"

"$ROOT/infra/local/install.sh"

trap stop_started EXIT INT TERM

log "starting DynamoDB Local on port $DYNAMODB_PORT"
start_dynamodb "$DYNAMODB_PORT"

log "building the local tools"
cargo build --quiet -p customers-tests --bins
DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMODB_PORT" "$BIN_DIR"/local-stack create-table "$TABLE_NAME"

log "starting SNS and SQS (moto) on port $MOTO_PORT"
start_moto "$MOTO_PORT"

log "starting the local token issuer on port $ISSUER_PORT"
start_issuer "$ISSUER_PORT"

log "starting the functions with cargo lambda watch on port $API_PORT (the first time they compile for a few minutes)"
start_functions "$API_PORT" "$DYNAMODB_PORT" "$ISSUER_PORT" --env-var RUST_LOG=info

log "starting the stream poller (change events to topics customer-changed-$STAGE-<organisation>)"
start_stream_poller "$API_PORT" "$DYNAMODB_PORT"

cat <<INFO

  The customers API is running at http://127.0.0.1:$API_PORT  (paths as in production, e.g. /profiles)
  DynamoDB Local:        http://127.0.0.1:$DYNAMODB_PORT  (table "$TABLE_NAME")
  Token issuer (JWKS):   http://127.0.0.1:$ISSUER_PORT/.well-known/jwks.json
  SNS and SQS (moto):    http://127.0.0.1:$MOTO_PORT  (change events on topics customer-changed-$STAGE-<organisationId>)

  A token for organisation 1 (any number works):
    TOKEN=\$(cargo run -q -p customers-tests --bin local-issuer -- token 1)

  Then, for example:
    curl -s -X POST http://127.0.0.1:$API_PORT/profiles -H "Authorization: Bearer \$TOKEN" \\
      -H 'ET-Client-Name: acme-shop' -H 'Content-Type: application/json' \\
      --data '{"firstName": "Ola", "surname": "Nordmann", "email": "ola@nordmann.org", "languagePreference": "NO", "createdBy": "test", "createdByChannel": "test", "organisationId": 1, "password":"abcD123"}'

  Ctrl-C stops everything.
INFO
wait
