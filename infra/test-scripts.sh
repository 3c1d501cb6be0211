#!/usr/bin/env bash
# Tests deploy.sh, destroy.sh, package.sh and replay.sh offline: they run in a scratch copy of infra/ with
# stand-ins for aws, cargo and rustc on PATH. The stand-ins record every call and answer as AWS
# would; no network, account or build is needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

REPO="$WORK/repo"   # scripts and template, outside any git repository
STUBS="$WORK/stubs" # the stand-ins
TOOLS="$WORK/tools" # the real commands the scripts may use, and nothing else
STATE="$WORK/state" # what the fake account holds: files stack, table, bucket; calls: every call
mkdir -p "$REPO/infra/stages" "$STUBS" "$TOOLS" "$STATE" "$WORK/rustlib"
cp "$ROOT"/infra/{deploy,destroy,package,replay,lib}.sh "$ROOT/infra/template.json" "$REPO/infra/"
cp "$ROOT/infra/stages/dev.json" "$REPO/infra/stages/"

for tool in bash sh env jq sed awk grep cat printf ls stat date mkdir rm cp mv dirname basename \
  head tail sort tr wc touch mktemp id uname; do
  path="$(command -v "$tool" 2>/dev/null || true)"
  [ -z "$path" ] || [ "${path:0:1}" != / ] || ln -sf "$path" "$TOOLS/$tool"
done

cat >"$STUBS/aws" <<'EOF'
#!/usr/bin/env bash
# A fake AWS CLI over the files in $FAKE_STATE.
echo "aws $*" >>"$FAKE_STATE/calls"
has() { [[ " $2 " == *" $1 "* ]]; }
case "$1 $2" in
  "sts get-caller-identity")
    [ "${FAKE_CREDENTIALS:-yes}" = yes ] || { echo "Unable to locate credentials" >&2; exit 255; }
    echo 123456789012 ;;
  "configure get") echo eu-north-1 ;;
  "s3api head-bucket") [ -f "$FAKE_STATE/bucket" ] || exit 254 ;;
  "s3api create-bucket") touch "$FAKE_STATE/bucket"; echo '{"Location": "/bucket"}' ;;
  "s3api put-public-access-block"|"s3api put-bucket-encryption") ;;
  "s3 cp") [ -f "$4" ] || { echo "The user-provided path $4 does not exist." >&2; exit 255; } ;;
  "cloudformation describe-stacks")
    [ -f "$FAKE_STATE/stack" ] || { echo "An error occurred (ValidationError): Stack with id $4 does not exist" >&2; exit 254; }
    if [[ "$*" == *StackStatus* ]]; then cat "$FAKE_STATE/stack"; else echo '| ApiUrl | https://abc.execute-api.eu-north-1.amazonaws.com |'; fi ;;
  "cloudformation create-change-set")
    if has "--change-set-type CREATE" "$*" || has "--change-set-type IMPORT" "$*"; then
      [ -f "$FAKE_STATE/stack" ] || echo REVIEW_IN_PROGRESS >"$FAKE_STATE/stack"
    fi
    has "--change-set-type IMPORT" "$*" && echo IMPORT >"$FAKE_STATE/change-set-type"
    has "--change-set-type CREATE" "$*" && echo CREATE >"$FAKE_STATE/change-set-type"
    has "--change-set-type UPDATE" "$*" && echo UPDATE >"$FAKE_STATE/change-set-type"
    for arg in "$@"; do
      case "$arg" in file://*) cp "${arg#file://}" "$FAKE_STATE/$(basename "${arg#file://}")" ;; esac
    done
    echo '{"Id": "arn:aws:cloudformation:eu-north-1:123456789012:changeSet/x", "StackId": "arn:aws:cloudformation:eu-north-1:123456789012:stack/x"}' ;;
  "cloudformation wait")
    case "$3" in
      change-set-create-complete) [ -z "${FAKE_NO_CHANGES:-}" ] || { echo "Waiter ChangeSetCreateComplete failed" >&2; exit 255; } ;;
    esac ;;
  "cloudformation describe-change-set")
    if [[ "$*" == *StatusReason* ]]; then
      echo "The submitted information didn't contain changes. Submit different information to create a change set."
    else
      echo "| Add | CustomersTable | AWS::DynamoDB::Table |"
    fi ;;
  "cloudformation delete-change-set") ;;
  "cloudformation execute-change-set")
    case "$(cat "$FAKE_STATE/change-set-type")" in
      IMPORT) echo IMPORT_COMPLETE >"$FAKE_STATE/stack" ;;
      CREATE) echo CREATE_COMPLETE >"$FAKE_STATE/stack"; touch "$FAKE_STATE/table" ;;
      UPDATE) echo UPDATE_COMPLETE >"$FAKE_STATE/stack"; touch "$FAKE_STATE/table" ;;
    esac ;;
  "cloudformation delete-stack") rm -f "$FAKE_STATE/stack" ;;
  "cloudformation describe-stack-events") echo "| (no events) |" ;;
  "dynamodb describe-table") [ -f "$FAKE_STATE/table" ] || { echo "ResourceNotFoundException" >&2; exit 254; } ;;
  "dynamodb update-table") ;;
  "dynamodb delete-table") rm -f "$FAKE_STATE/table"; echo '{}' ;;
  "dynamodb wait") ;;
  "lambda invoke")
    # The change-events function's replay: the reports in replay-1.json, replay-2.json, ...
    n=$(( $(cat "$FAKE_STATE/replay-runs" 2>/dev/null || echo 0) + 1 ))
    echo "$n" >"$FAKE_STATE/replay-runs"
    [ -f "$FAKE_STATE/replay-$n.json" ] || { echo "ResourceNotFoundException: Function not found" >&2; exit 254; }
    cp "$FAKE_STATE/replay-$n.json" "${@: -1}"
    echo '{"StatusCode": 200, "ExecutedVersion": "$LATEST"}' ;;
  *) echo "fake aws: unexpected call: $*" >&2; exit 2 ;;
esac
EOF

cat >"$STUBS/cargo" <<'EOF'
#!/usr/bin/env bash
# A fake cargo whose `cargo lambda build` writes small stand-in packages.
echo "cargo $*${RUSTFLAGS:+ [RUSTFLAGS=$RUSTFLAGS]}" >>"$FAKE_STATE/calls"
[ "$1" = lambda ] || { echo "fake cargo: unexpected call: $*" >&2; exit 2; }
[ -z "${FAKE_NO_CARGO_LAMBDA:-}" ] || { echo "error: no such command: \`lambda\`" >&2; exit 101; }
case "$2" in
  --version) echo "cargo-lambda 1.9.2" ;;
  build)
    shift 2
    while [ $# -gt 0 ]; do
      if [ "$1" = --bin ]; then
        mkdir -p "$CARGO_TARGET_DIR/lambda/$2"
        printf 'PK-%s' "$2" >"$CARGO_TARGET_DIR/lambda/$2/bootstrap.zip"
        shift
      fi
      shift
    done ;;
esac
EOF

cat >"$STUBS/zig" <<'EOF'
#!/usr/bin/env bash
# A fake zig, the linker of a build for another architecture.
echo 0.13.0
EOF

cat >"$STUBS/rustc" <<'EOF'
#!/usr/bin/env bash
# A fake rustc on an x86_64 Linux host with the targets in $FAKE_TARGETS installed.
case "$*" in
  -vV) printf 'rustc 1.95.0\nhost: x86_64-unknown-linux-gnu\n' ;;
  "--print target-libdir --target "*)
    target="${*: -1}"
    mkdir -p "$FAKE_RUSTLIB/$target"
    [[ " $FAKE_TARGETS " == *" $target "* ]] && touch "$FAKE_RUSTLIB/$target/libstd-fake.rlib"
    echo "$FAKE_RUSTLIB/$target" ;;
  *) echo "fake rustc: unexpected call: $*" >&2; exit 2 ;;
esac
EOF
chmod +x "$STUBS"/*

# A fresh fake account for each case.
reset() {
  rm -rf "${STATE:?}"/* "$WORK/rustlib"/* "$WORK/target"
  : >"$STATE/calls"
}

# run [--without COMMAND] SCRIPT ARGS...: runs a script of the scratch copy; output in $WORK/out.
run() {
  local path="$STUBS:$TOOLS"
  if [ "$1" = --without ]; then
    mkdir -p "$WORK/partial"
    rm -f "$WORK/partial"/*
    for f in "$STUBS"/*; do [ "$(basename "$f")" = "$2" ] || ln -sf "$f" "$WORK/partial/"; done
    path="$WORK/partial:$TOOLS"
    shift 2
  fi
  local script="$1"
  shift
  (cd "$REPO" && env -i PATH="$path" HOME="$WORK" AWS_REGION=eu-north-1 FAKE_STATE="$STATE" \
    FAKE_RUSTLIB="$WORK/rustlib" FAKE_TARGETS="${FAKE_TARGETS:-x86_64-unknown-linux-gnu}" \
    CARGO_TARGET_DIR="$WORK/target" FAKE_CREDENTIALS="${FAKE_CREDENTIALS:-yes}" \
    FAKE_NO_CARGO_LAMBDA="${FAKE_NO_CARGO_LAMBDA:-}" FAKE_NO_CHANGES="${FAKE_NO_CHANGES:-}" \
    ${CALLER_RUSTFLAGS:+RUSTFLAGS="$CALLER_RUSTFLAGS"} bash "infra/$script" "$@") </dev/null >"$WORK/out" 2>&1
}

failures=0
passed=0
fail() {
  echo "not ok - $CASE: $*"
  sed 's/^/    | /' "$WORK/out"
  failures=$((failures + 1))
}
succeeds() { run "$@" || fail "exit status $? from $*"; }
fails_with() {
  local message="$1"
  shift
  if run "$@"; then fail "succeeded: $*"; return; fi
  grep -qF -- "$message" "$WORK/out" || fail "no message '$message'"
}
called() { grep -qE -- "$1" "$STATE/calls" || fail "no call matching '$1'"; }
not_called() { ! grep -qE -- "$1" "$STATE/calls" || fail "a call matching '$1'"; }
# VERBOSE=1 shows what each case printed.
done_case() {
  passed=$((passed + 1))
  [ -z "${VERBOSE:-}" ] || { echo "--- $CASE"; cat "$WORK/out"; }
}

CASE="without the AWS CLI, deploy says so and stops before building"
reset
fails_with "the AWS CLI is not installed" --without aws deploy.sh dev
not_called "lambda build"
done_case

CASE="without credentials, deploy and destroy say so"
reset
FAKE_CREDENTIALS=no fails_with "no working credentials" deploy.sh dev
FAKE_CREDENTIALS=no fails_with "no working credentials" destroy.sh dev
not_called "cloudformation"
done_case

CASE="without cargo-lambda, deploy names it"
reset
FAKE_NO_CARGO_LAMBDA=1 fails_with "cargo-lambda: pip3 install cargo-lambda" deploy.sh dev
not_called "cloudformation"
done_case

CASE="arm64 without the aarch64 target: deploy and package name the rustup command"
reset
fails_with "rustup target add aarch64-unknown-linux-gnu" deploy.sh dev --arch arm64
fails_with "rustup target add aarch64-unknown-linux-gnu" package.sh --arch arm64
not_called "lambda build"
done_case

CASE="an invalid stage, or a stage file naming unknown parameters, is refused"
reset
fails_with "stage 'Dev_1' is not valid" deploy.sh Dev_1
echo '{"JwtIssuer": "https://issuer.example/", "Memory": 512}' >"$REPO/infra/stages/qa.json"
fails_with "names parameters the template does not have: Memory" deploy.sh qa --plan
rm "$REPO/infra/stages/qa.json"
not_called "cloudformation"
done_case

CASE="package builds every function, the hashing one for speed, and prints each package's size"
reset
succeeds package.sh
called "cargo lambda build --profile release --output-format zip --target x86_64-unknown-linux-gnu --bin profiles --bin temporary-profiles --bin customer-accounts --bin preferences --bin change-events"
called "cargo lambda build --profile release-speed --output-format zip --target x86_64-unknown-linux-gnu --bin credentials \\[RUSTFLAGS=-C relocation-model=static\\]$"
grep -qE '^credentials +14 +0\.0$' "$WORK/out" || fail "no size line for credentials"
done_case

CASE="package for arm64 links with the target's defaults: no flags of its own"
reset
FAKE_TARGETS="x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu" succeeds package.sh --arch arm64
called "cargo lambda build --profile release --output-format zip --target aarch64-unknown-linux-gnu .*--bin change-events$"
called "cargo lambda build --profile release-speed --output-format zip --target aarch64-unknown-linux-gnu --bin credentials$"
done_case

CASE="package keeps the caller's RUSTFLAGS after its own"
reset
CALLER_RUSTFLAGS="-C target-cpu=haswell" succeeds package.sh
called "cargo lambda build --profile release .*--bin change-events \\[RUSTFLAGS=-C relocation-model=static -C target-cpu=haswell\\]$"
done_case

CASE="deploy --plan creates and shows a change set, never executes it, and leaves nothing"
reset
succeeds deploy.sh dev --plan
called "cloudformation create-change-set --stack-name customers-dev .* --change-set-type CREATE --template-url https://customers-artifacts-123456789012-eu-north-1.s3.eu-north-1.amazonaws.com/customers/dev/nogit-[0-9TZ]+-x86_64/template.json"
called "cloudformation describe-change-set --stack-name customers-dev"
called "cloudformation delete-change-set --stack-name customers-dev"
called "cloudformation delete-stack --stack-name customers-dev"
not_called "execute-change-set"
not_called "lambda build"
not_called "s3 cp .*bootstrap.zip"
grep -qF "plan only" "$WORK/out" || fail "the plan does not say it changed nothing"
done_case

CASE="deploy builds, uploads to a new private bucket, creates the stack and prints its outputs"
reset
succeeds deploy.sh dev
called "s3api create-bucket --bucket customers-artifacts-123456789012-eu-north-1 --create-bucket-configuration LocationConstraint=eu-north-1"
called "s3api put-public-access-block --bucket customers-artifacts-123456789012-eu-north-1 .*BlockPublicPolicy=true"
called "s3api put-bucket-encryption --bucket customers-artifacts-123456789012-eu-north-1"
called "cargo lambda build --profile release "
for f in profiles temporary-profiles credentials customer-accounts preferences change-events; do
  called "s3 cp --only-show-errors .*/lambda/$f/bootstrap.zip s3://customers-artifacts-123456789012-eu-north-1/customers/dev/nogit-[0-9TZ]+-x86_64/$f.zip"
done
called "create-change-set .* --change-set-type CREATE .* --capabilities CAPABILITY_IAM"
called "execute-change-set --stack-name customers-dev --change-set-name deploy-"
called "wait stack-create-complete --stack-name customers-dev"
called "describe-stacks --stack-name customers-dev --query Stacks\[0\].Outputs"
jq -e 'map({key: .ParameterKey, value: .ParameterValue}) | from_entries
       | .Stage == "dev" and .LogRetentionDays == "14" and .Architecture == "x86_64"
         and .CodeBucket == "customers-artifacts-123456789012-eu-north-1"' \
  "$STATE/deploy-parameters-dev.json" >/dev/null || fail "parameters: $(cat "$STATE/deploy-parameters-dev.json")"
grep -qF "ApiUrl" "$WORK/out" || fail "the outputs are not printed"
done_case

CASE="a second deploy updates the stack in the existing bucket"
: >"$STATE/calls"
succeeds deploy.sh dev
called "create-change-set .* --change-set-type UPDATE"
called "wait stack-update-complete"
not_called "create-bucket"
done_case

CASE="a deploy that changes nothing stops without executing"
: >"$STATE/calls"
FAKE_NO_CHANGES=1 succeeds deploy.sh dev
grep -qF "up to date" "$WORK/out" || fail "does not say the stack is up to date"
called "delete-change-set"
not_called "execute-change-set"
done_case

CASE="destroy deletes the stack and keeps the table"
: >"$STATE/calls"
succeeds destroy.sh dev
called "cloudformation delete-stack --stack-name customers-dev"
called "cloudformation wait stack-delete-complete --stack-name customers-dev"
not_called "update-table"
not_called "delete-table"
grep -qF "the table customers-dev is kept" "$WORK/out" || fail "does not say the table is kept"
done_case

CASE="a deploy after destroy imports the kept table, then creates the rest"
: >"$STATE/calls"
succeeds deploy.sh dev
called "create-change-set --stack-name customers-dev --change-set-name import-[0-9]+ --change-set-type IMPORT"
called "--resources-to-import .*\"LogicalResourceId\":\"CustomersTable\".*\"TableName\":\"customers-dev\""
called "wait stack-import-complete"
called "create-change-set .* --change-set-type UPDATE"
jq -e '.Resources | keys == ["CustomersTable"]' "$STATE/import-template.json" >/dev/null || fail "the import creates more than the table"
done_case

CASE="destroy --delete-table asks first, and refuses without a terminal or --yes"
: >"$STATE/calls"
fails_with "needs a confirmation" destroy.sh dev --delete-table
not_called "delete-stack"
not_called "delete-table"
done_case

CASE="destroy --delete-table --yes deletes the stack, then the table without its protection"
: >"$STATE/calls"
succeeds destroy.sh dev --delete-table --yes
called "cloudformation delete-stack --stack-name customers-dev"
called "dynamodb update-table --table-name customers-dev --no-deletion-protection-enabled"
called "dynamodb delete-table --table-name customers-dev"
[ ! -f "$STATE/table" ] || fail "the table is still there"
done_case

CASE="replay invokes the function until the queue is done and prints each run"
reset
echo '{"received": 10, "replayed": 10, "events": 12, "kept": [], "finished": false}' >"$STATE/replay-1.json"
echo '{"received": 3, "replayed": 3, "events": 3, "kept": [], "finished": true}' >"$STATE/replay-2.json"
succeeds replay.sh dev
called "lambda invoke --function-name customers-change-events-dev --cli-binary-format raw-in-base64-out --payload \{\"replayFailures\": \{\}\}"
[ "$(cat "$STATE/replay-runs")" = 2 ] || fail "invoked $(cat "$STATE/replay-runs") times"
grep -qF "run 2: 3 messages taken, 3 replayed (3 events), 0 kept" "$WORK/out" || fail "the second run is not reported"
grep -qF "the failure queue is replayed" "$WORK/out" || fail "does not say it is done"
done_case

CASE="replay reports the messages it keeps, and fails"
reset
echo '{"received": 2, "replayed": 1, "events": 1, "kept": ["CUSTOMER#1#7/PROFILE: the profile cannot be read"], "finished": true}' >"$STATE/replay-1.json"
fails_with "kept: CUSTOMER#1#7/PROFILE: the profile cannot be read" replay.sh dev
grep -qF "1 messages stay in the queue" "$WORK/out" || fail "does not say what stays"
done_case

CASE="replay without the stack's function says so"
reset
fails_with "cannot invoke customers-change-events-dev" replay.sh dev
FAKE_CREDENTIALS=no fails_with "no working credentials" replay.sh dev
done_case

total=$((passed))
if [ "$failures" -gt 0 ]; then
  echo "deploy scripts: $failures failed assertions in $total cases" >&2
  exit 1
fi
echo "deploy scripts: $total cases passed (offline, with stand-ins for aws, cargo and rustc)"
