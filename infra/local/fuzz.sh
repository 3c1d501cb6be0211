#!/usr/bin/env bash
# Fuzzes the API at $1 against docs/openapi.json with schemathesis: every phase, every check, a
# fixed seed and a bounded budget (infra/local/fuzz/schemathesis.toml). Before the run it creates
# a few profiles for the fuzzer's operations to meet (fuzz/seed.py, fuzz/hooks.py). test.sh runs
# it against `local-stack serve-api` on the test table; against up.sh's emulator (the default,
# port 9000) bodies and headers that are not UTF-8 fail in the emulator (docs/fuzzing.md). Tokens
# come from the local issuer's key. Exits non-zero on any failure; the JUnit report is kept in
# .local/fuzz-report/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BASE_URL="${1:-http://127.0.0.1:${API_PORT:-9000}}"
ORGANISATION="${FUZZ_ORGANISATION:-424242}"
"$ROOT/infra/local/install.sh" --fuzzer
[ -x "$BIN_DIR/local-issuer" ] || cargo build --quiet -p customers-tests --bin local-issuer
TOKEN="$("$BIN_DIR/local-issuer" token "$ORGANISATION" 7200)"

SEEDS="$(python3 "$ROOT/infra/local/fuzz/seed.py" "$BASE_URL" "$TOKEN" "$ORGANISATION")"
log "fuzzing $BASE_URL as organisation $ORGANISATION, with profiles $(printf '%s' "$SEEDS" | python3 -c 'import json,sys; print(*(s["customerNumber"] for s in json.load(sys.stdin)))')"

cd "$ROOT/infra/local/fuzz"
FUZZ_SEEDS="$SEEDS" FUZZ_ORGANISATION="$ORGANISATION" PYTHONPATH=. \
  "$FUZZ_VENV/bin/schemathesis" --config-file schemathesis.toml run "$ROOT/docs/openapi.json" \
  --url "$BASE_URL" -H "Authorization: Bearer $TOKEN" -H "ET-Client-Name: fuzz" \
  --checks all --workers 1 --report junit --report-dir "$STATE_DIR/fuzz-report"
