#!/usr/bin/env bash
# Prints the benchmark figures recorded in docs/benchmarks.md: builds in release mode, starts a
# DynamoDB Local of its own, runs `bench` and stops it again.   infra/local/bench.sh [REQUESTS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PORT="${BENCH_DYNAMODB_PORT:-8021}"
cd "$ROOT"
"$ROOT/infra/local/install.sh"
trap 'stop_pidfile "$STATE_DIR/dynamodb-$PORT.pid"' EXIT INT TERM
start_dynamodb "$PORT"
cargo build --quiet --release -p customers-tests --bin bench && cargo build --quiet --release -p profiles
echo "profiles Lambda binary (release, x86_64): $(du -k target/release/profiles | cut -f1) KiB"
DYNAMODB_ENDPOINT="http://127.0.0.1:$PORT" RUST_LOG=warn ./target/release/bench "${1:-300}"
