# Shared by build-reference.sh and check-docs.sh: the pinned documentation tools of this folder
# (installed from package-lock.json) and Chromium. Sourced, not run; the scripts that source it
# use the variables it sets.
# shellcheck shell=bash disable=SC2034
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
DOCS_TOOLS="$ROOT/infra/local/docs-tools"
DOCS_BIN="$DOCS_TOOLS/node_modules/.bin"

# Neither CLI phones home: on a closed network its calls only wait, and Redocly would write the
# setting into the page, where it decides whether readers' browsers report to Redocly.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export ASYNCAPI_METRICS_CONFIG_PATH="$STATE_DIR/asyncapi-analytics.json"
printf '{"analyticsEnabled":"false","infoMessageShown":"true","userID":"none"}\n' >"$ASYNCAPI_METRICS_CONFIG_PATH"

install_docs_tools() {
  command -v node >/dev/null 2>&1 || { echo "Node.js 20.19 or later is required (run infra/local/install.sh)" >&2; return 1; }
  # Redocly CLI 2 needs Node.js 20.19+ (or 22.12+); older ones fail in obscure ways.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
    || { echo "Node.js 20.19 or later is required, found $(node --version)" >&2; return 1; }
  # npm ci leaves node_modules/.package-lock.json; an older one means the lockfile moved on.
  if [ ! -f "$DOCS_TOOLS/node_modules/.package-lock.json" ] \
    || [ "$DOCS_TOOLS/package-lock.json" -nt "$DOCS_TOOLS/node_modules/.package-lock.json" ]; then
    log "installing the documentation tools (npm ci in infra/local/docs-tools)"
    (cd "$DOCS_TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

install_chromium() {
  if [ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then return 0; fi
  command -v apt-get >/dev/null 2>&1 || { echo "please install Chromium, or name it in CHROMIUM" >&2; return 1; }
  log "installing chromium with apt-get"
  local sudo=()
  [ "$(id -u)" = "0" ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
