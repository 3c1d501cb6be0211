#!/usr/bin/env bash
# Runs every test: formatting and lints, the deploy template's linters and the deploy scripts'
# offline tests, the unit and in-process integration tests against a real DynamoDB Local (and
# its stream) and moto's SNS/SQS, the fault tests (on DynamoDB Local and moto instances of their
# own, stopped and restarted), a load run and a search of every test's logs for personal data;
# then through `cargo lambda watch` as a client would, with the stream poller feeding
# change-events: the fuzzer against the OpenAPI document and the smoke suite; last the release
# Lambda packages.
# Uses its own ports, so it can run beside infra/local/up.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DYNAMODB_PORT="${TEST_DYNAMODB_PORT:-8011}"
ISSUER_PORT="${TEST_ISSUER_PORT:-9111}"
API_PORT="${TEST_API_PORT:-9011}"
MOTO_PORT="${TEST_MOTO_PORT:-5011}"
FUZZ_PORT="${TEST_FUZZ_PORT:-9012}"
cd "$ROOT"

"$ROOT/infra/local/install.sh"

trap stop_started EXIT INT TERM

log "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
log "linting the deploy template (cfn-lint, checkov)"
"$ROOT/infra/lint.sh"
log "testing the deploy scripts offline"
"$ROOT/infra/test-scripts.sh"
log "checking the API reference page and the event contract"
"$ROOT/infra/local/check-docs.sh"

log "starting DynamoDB Local on port $DYNAMODB_PORT"
start_dynamodb "$DYNAMODB_PORT"
export DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMODB_PORT"
log "starting SNS and SQS (moto) on port $MOTO_PORT"
start_moto "$MOTO_PORT"
export SNS_ENDPOINT="http://127.0.0.1:$MOTO_PORT"

log "unit and integration tests (their logs kept, to be searched for personal data)"
export CUSTOMERS_TEST_LOG="$STATE_DIR/test-logs.jsonl"
rm -f "$CUSTOMERS_TEST_LOG"
cargo test --workspace

log "faults: DynamoDB Local and moto instances of the tests' own, stopped and restarted"
DYNAMODB_LOCAL_JAR="$(dynamodb_jar)" \
  FAULT_DYNAMODB_PORT="${TEST_FAULT_DYNAMODB_PORT:-8012}" FAULT_MOTO_PORT="${TEST_FAULT_MOTO_PORT:-5012}" \
  cargo test -p customers-tests --test faults -- --ignored --test-threads=1
log "a load run: 2,000 mixed requests from 16 clients"
cargo test -p customers-tests --test load -- --ignored

log "searching the tests' logs for personal data"
# First the search itself: a test value in what a request sent is found; the same digits as a
# latency the service measured are not.
sample="$(mktemp)"
printf '%s\n' '{"Latency":123.4,"client":"bench","message":"answered"}' >"$sample"
"$ROOT/infra/local/check-logs.sh" "$sample" >/dev/null \
  || { echo "check-logs.sh took a measured latency for the test value \"123\"" >&2; exit 1; }
printf '%s\n' '{"Latency":1.5,"client":"123","message":"answered"}' >"$sample"
if "$ROOT/infra/local/check-logs.sh" "$sample" >/dev/null; then
  echo "check-logs.sh missed the test value \"123\" sent as the client's name" >&2; exit 1
fi
rm -f "$sample"
"$ROOT/infra/local/check-logs.sh" "$CUSTOMERS_TEST_LOG"

log "the fuzzer and the smoke tests through cargo lambda watch"
cargo build --quiet -p customers-tests --bins
"$BIN_DIR"/local-stack create-table "$TABLE_NAME"
start_issuer "$ISSUER_PORT"
FUNCTIONS_LOG="$STATE_DIR/watch-test.log" start_functions "$API_PORT" "$DYNAMODB_PORT" "$ISSUER_PORT" --ignore-changes --env-var RUST_LOG=warn
start_stream_poller "$API_PORT" "$DYNAMODB_PORT"
# The fuzzer first, on the same table, so the smoke suite after it proves the stream still
# delivers events. It talks to the functions' routers behind one plain listener: the emulator
# answers 500 for a body or header that is not UTF-8 before any function runs, where API Gateway
# hands it to the function (docs/fuzzing.md).
log "fuzzing the API against docs/openapi.json (schemathesis)"
"$BIN_DIR"/local-stack serve-api "$FUZZ_PORT" "$TABLE_NAME" >"$STATE_DIR/serve-api.log" 2>&1 &
STARTED+=($!)
wait_for_port "$FUZZ_PORT" 60
"$ROOT/infra/local/fuzz.sh" "http://127.0.0.1:$FUZZ_PORT"
CUSTOMERS_BASE_URL="http://127.0.0.1:$API_PORT" cargo test -p customers-tests --test smoke -- --ignored

# The local stack is no longer needed; the release build gets the machine to itself.
stop_started
log "building every function as a Lambda package (release)"
"$ROOT/infra/package.sh"
log "all tests passed"
