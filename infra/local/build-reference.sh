#!/usr/bin/env bash
# Builds docs/api-reference.html, the API reference for people, from docs/openapi.json with
# Redocly CLI (Redoc): one self-contained page, its scripts inlined, to open from disk or serve.
# The page is built, not committed: docs/openapi.json is its source, and check-docs.sh builds it
# afresh and opens it in a browser on every test run.
#
#   infra/local/build-reference.sh [OUTPUT]     (default: docs/api-reference.html)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/docs-tools/tools.sh"
OUTPUT="$(realpath -m "${1:-$ROOT/docs/api-reference.html}")"

install_docs_tools
cd "$ROOT"
build_log="$STATE_DIR/build-reference.log"
# The same relative input path and settings on every run, so that equal inputs give equal bytes.
if ! "$DOCS_BIN/redocly" build-docs docs/openapi.json --config infra/local/docs-tools/redocly.yaml \
  --inlineBundle --output "$OUTPUT" >"$build_log" 2>&1; then
  cat "$build_log" >&2
  exit 1
fi
echo "built ${OUTPUT#"$ROOT"/} from docs/openapi.json"
