#!/usr/bin/env bash
# Runs every test: formatting and lints, the unit and in-process integration tests against a
# real DynamoDB Local (and its stream) and moto's SNS/SQS, then the smoke suite through
# `cargo lambda watch` as a client would, with the stream poller feeding change-events.
# Uses its own ports, so it can run beside infra/local/up.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DYNAMODB_PORT="${TEST_DYNAMODB_PORT:-8011}"
ISSUER_PORT="${TEST_ISSUER_PORT:-9111}"
API_PORT="${TEST_API_PORT:-9011}"
MOTO_PORT="${TEST_MOTO_PORT:-5011}"
cd "$ROOT"

"$ROOT/infra/local/install.sh"

trap stop_started EXIT INT TERM

log "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --quiet --workspace --all-targets -- -D warnings

log "starting DynamoDB Local on port $DYNAMODB_PORT"
start_dynamodb "$DYNAMODB_PORT"
export DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMODB_PORT"
log "starting SNS and SQS (moto) on port $MOTO_PORT"
start_moto "$MOTO_PORT"
export SNS_ENDPOINT="http://127.0.0.1:$MOTO_PORT"

log "unit and integration tests"
cargo test --workspace

log "smoke tests through cargo lambda watch"
cargo build --quiet -p customers-tests --bins
./target/debug/local-stack create-table "$TABLE_NAME"
start_issuer "$ISSUER_PORT"
FUNCTIONS_LOG="$STATE_DIR/watch-test.log" start_functions "$API_PORT" "$DYNAMODB_PORT" "$ISSUER_PORT" --ignore-changes --env-var RUST_LOG=warn
start_stream_poller "$API_PORT" "$DYNAMODB_PORT"
CUSTOMERS_BASE_URL="http://127.0.0.1:$API_PORT" cargo test -p customers-tests --test smoke -- --ignored
log "all tests passed"
