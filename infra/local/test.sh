#!/usr/bin/env bash
# Runs every test: formatting and lints, the unit and in-process integration tests against a
# real DynamoDB Local, then the smoke suite through `cargo lambda watch` as a client would.
# Uses its own ports, so it can run beside infra/local/up.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DYNAMODB_PORT="${TEST_DYNAMODB_PORT:-8011}"
ISSUER_PORT="${TEST_ISSUER_PORT:-9111}"
API_PORT="${TEST_API_PORT:-9011}"
cd "$ROOT"

"$ROOT/infra/local/install.sh"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_pidfile "$STATE_DIR/dynamodb-$DYNAMODB_PORT.pid"
}
trap cleanup EXIT INT TERM

log "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --quiet --workspace --all-targets -- -D warnings

log "starting DynamoDB Local on port $DYNAMODB_PORT"
start_dynamodb "$DYNAMODB_PORT"
export DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMODB_PORT"

log "unit and integration tests"
cargo test --workspace

log "smoke tests through cargo lambda watch"
cargo build --quiet -p customers-tests --bins
./target/debug/local-stack create-table "$TABLE_NAME"
./target/debug/local-issuer serve "$ISSUER_PORT" &
pids+=($!)
wait_for_port "$ISSUER_PORT" 30
cargo lambda watch --quiet --ignore-changes -A 127.0.0.1 -P "$API_PORT" \
  --env-var "TABLE_NAME=$TABLE_NAME" \
  --env-var "DYNAMODB_ENDPOINT=$DYNAMODB_ENDPOINT" \
  --env-var "JWT_JWKS_URL=http://127.0.0.1:$ISSUER_PORT/.well-known/jwks.json" \
  --env-var "JWT_ISSUER=$LOCAL_ISSUER" \
  --env-var "JWT_AUDIENCE=$LOCAL_AUDIENCE" \
  --env-var "RUST_LOG=warn" >"$STATE_DIR/watch-test.log" 2>&1 &
pids+=($!)
wait_for_port "$API_PORT" 120
warm_up "http://127.0.0.1:$API_PORT/profiles/1"
warm_up "http://127.0.0.1:$API_PORT/profiles/temporary/1"
warm_up "http://127.0.0.1:$API_PORT/profiles/verify-credentials"
CUSTOMERS_BASE_URL="http://127.0.0.1:$API_PORT" cargo test -p customers-tests --test smoke -- --ignored
log "all tests passed"
