#!/usr/bin/env bash
# The benchmark of docs/performance.md: builds the functions' Lambda packages and the benchmark
# (release, x86_64, `cargo lambda build`), starts what it needs (a DynamoDB Local and moto of its
# own; the token issuer runs inside the benchmark), and prints one table, each figure next to its
# reference measured in the same run. The figures go to .local/bench/figures.json and the plot to
# .local/bench/performance.png; with --record also to docs/performance.json and
# docs/performance.png.
#
#   infra/local/bench.sh [--quick] [--samples N] [--scale N] [--cold-runs N] [--record]
#
#   --quick         a short run: --samples 200 --scale 10000 --cold-runs 5
#   --samples N     requests per operation (default 1000; searches and bulk take fewer)
#   --scale N       profiles of the large search table (default 100000; 0 skips the scale phase)
#   --cold-runs N   cold starts per binary (default 10)
#   --record        also write docs/performance.json and docs/performance.png
#
# Ports: BENCH_DYNAMODB_PORT (default 8021) and BENCH_MOTO_PORT (default 5021); the services
# on any other port are left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SAMPLES=1000
SCALE=100000
COLD_RUNS=10
RECORD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) SAMPLES=200; SCALE=10000; COLD_RUNS=5; shift ;;
    --samples) SAMPLES="${2:?--samples needs a number}"; shift 2 ;;
    --scale) SCALE="${2:?--scale needs a number}"; shift 2 ;;
    --cold-runs) COLD_RUNS="${2:?--cold-runs needs a number}"; shift 2 ;;
    --record) RECORD=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument '$1' (see infra/local/bench.sh --help)" >&2; exit 2 ;;
  esac
done

DYNAMODB_PORT="${BENCH_DYNAMODB_PORT:-8021}"
MOTO_PORT="${BENCH_MOTO_PORT:-5021}"
TRIPLE=x86_64-unknown-linux-gnu
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$STATE_DIR/bench"
VENV="$STATE_DIR/bench-venv"
MATPLOTLIB_VERSION="3.11.2"
cd "$ROOT"

"$ROOT/infra/local/install.sh"
if [ "$("$VENV/bin/python" -c 'import matplotlib; print(matplotlib.__version__)' 2>/dev/null || true)" != "$MATPLOTLIB_VERSION" ]; then
  log "installing matplotlib $MATPLOTLIB_VERSION from PyPI (into ${VENV#"$ROOT/"}), to draw the plot"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "matplotlib==$MATPLOTLIB_VERSION"
fi

# The functions exactly as they are deployed, and the benchmark with the hello-world references,
# all by cargo lambda with the same release profile and compiler flags (infra/lib.sh).
log "building the Lambda packages (infra/package.sh)"
"$ROOT/infra/package.sh"
log "building the benchmark and the hello-world references"
RUSTFLAGS="$(package_rustflags x86_64)" cargo lambda build --release --target "$TRIPLE" --output-format zip \
  --bin hello-lambda --bin hello-lambda-http
RUSTFLAGS="$(package_rustflags x86_64)" cargo lambda build --release --target "$TRIPLE" --bin bench

trap stop_started EXIT INT TERM
start_dynamodb "$DYNAMODB_PORT"
start_moto "$MOTO_PORT"
mkdir -p "$OUT"
rm -f "$OUT"/*.log

log "running the benchmark (DynamoDB Local on $DYNAMODB_PORT, moto on $MOTO_PORT)"
DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMODB_PORT" "$TARGET/lambda/bench/bootstrap" \
  --bins "$TARGET/$TRIPLE" --speed "$(IFS=,; echo "${SPEED_FUNCTIONS[*]}")" --zips "$TARGET/lambda" --out "$OUT/figures.json" --logs "$OUT" \
  --samples "$SAMPLES" --scale "$SCALE" --cold-runs "$COLD_RUNS" --sns "http://127.0.0.1:$MOTO_PORT"

"$VENV/bin/python" "$ROOT/infra/local/bench_report.py" "$OUT/figures.json" --plot "$OUT/performance.png"
if [ "$RECORD" = 1 ]; then
  cp "$OUT/figures.json" "$ROOT/docs/performance.json"
  cp "$OUT/performance.png" "$ROOT/docs/performance.png"
  log "recorded docs/performance.json and docs/performance.png"
fi
