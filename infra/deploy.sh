#!/usr/bin/env bash
# Builds the functions, uploads them and deploys the stack.
#
#   infra/deploy.sh STAGE CODE_BUCKET            (x86_64)
#   ARCH=arm64 infra/deploy.sh STAGE CODE_BUCKET (Graviton; needs the aarch64 Rust target and zig)
#
# Needs the AWS CLI with credentials for the target account.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGE="${1:?usage: infra/deploy.sh STAGE CODE_BUCKET}"
BUCKET="${2:?usage: infra/deploy.sh STAGE CODE_BUCKET}"
ARCH="${ARCH:-x86_64}"
FUNCTIONS=(profiles temporary-profiles credentials change-events customer-accounts preferences)
cd "$ROOT"

arch_flag=()
[ "$ARCH" = "arm64" ] && arch_flag=(--arm64)
cargo lambda build --release --output-format zip "${arch_flag[@]}" $(printf -- '--bin %s ' "${FUNCTIONS[@]}")

prefix="customers/$STAGE/$(git rev-parse --short HEAD)-$ARCH"
for f in "${FUNCTIONS[@]}"; do
  aws s3 cp "target/lambda/$f/bootstrap.zip" "s3://$BUCKET/$prefix/$f.zip"
done

template="$(mktemp)"
cargo run --quiet -p customers-tests --bin local-stack -- template >"$template"
aws cloudformation deploy \
  --stack-name "customers-$STAGE" \
  --template-file "$template" \
  --capabilities CAPABILITY_IAM \
  --parameter-overrides "Stage=$STAGE" "Architecture=$ARCH" "CodeBucket=$BUCKET" "CodePrefix=$prefix"
aws cloudformation describe-stacks --stack-name "customers-$STAGE" --query 'Stacks[0].Outputs' --output table
