#!/usr/bin/env bash
# Builds every function, uploads the packages and deploys infra/template.json as the stack
# customers-STAGE, through a CloudFormation change set.
#
#   infra/deploy.sh STAGE [--plan] [--arch x86_64|arm64] [--bucket NAME]
#
#   --plan     create the change set, show it, delete it: nothing is built or changed (the
#              artifacts bucket is created if missing, and the template is uploaded to it)
#   --arch     the functions' architecture (default x86_64; arm64 needs the aarch64 Rust target)
#   --bucket   artifacts bucket (default $ARTIFACTS_BUCKET, else customers-artifacts-ACCOUNT-REGION,
#              created with public access blocked and default encryption when missing)
#
# Stage parameters (JwtIssuer, AlarmTopicArn, …) come from infra/stages/STAGE.json when it exists.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$INFRA_ROOT"

STAGE="" PLAN=false ARCH=x86_64 BUCKET="${ARTIFACTS_BUCKET:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --plan) PLAN=true; shift ;;
    --arch) ARCH="${2:-}"; shift 2 || usage ;;
    --arch=*) ARCH="${1#--arch=}"; shift ;;
    --bucket) BUCKET="${2:-}"; shift 2 || usage ;;
    --bucket=*) BUCKET="${1#--bucket=}"; shift ;;
    -h|--help) usage 0 ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [ -z "$STAGE" ] || usage; STAGE="$1"; shift ;;
  esac
done
use_stage "$STAGE"
target_triple "$ARCH" >/dev/null
STAGE_FILE="infra/stages/$STAGE.json"

# Prerequisites, all before anything changes.
command -v jq >/dev/null 2>&1 || die "jq is not installed (it merges the stage's parameters): https://jqlang.org/download/"
$PLAN || check_build_prerequisites "$ARCH"
ACCOUNT="$(check_aws_prerequisites)"
REGION="$(aws_region)"
export AWS_REGION="$REGION"
BUCKET="${BUCKET:-customers-artifacts-$ACCOUNT-$REGION}"

# Stage parameters: the file's, then what this script decides.
stage_parameters='{}'
if [ -f "$STAGE_FILE" ]; then
  stage_parameters="$(jq -e 'if type == "object" then . else error("not an object") end' "$STAGE_FILE")" \
    || die "$STAGE_FILE must be a JSON object of template parameters"
  unknown="$(jq -r --slurpfile t infra/template.json 'keys - ($t[0].Parameters | keys) | join(", ")' "$STAGE_FILE")"
  [ -z "$unknown" ] || die "$STAGE_FILE names parameters the template does not have: $unknown"
fi
# A code prefix per commit, and per run when the tree has uncommitted changes, so that a changed
# package always changes the functions' S3 keys (CloudFormation updates code only then).
revision="$(git rev-parse --short HEAD 2>/dev/null || echo nogit)"
if [ "$revision" = nogit ] || [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  revision="$revision-$(date -u +%Y%m%dT%H%M%SZ)"
fi
PREFIX="customers/$STAGE/$revision-$ARCH"
parameters="$(jq -c --arg Stage "$STAGE" --arg Architecture "$ARCH" --arg CodeBucket "$BUCKET" --arg CodePrefix "$PREFIX" \
  '. + {Stage: $Stage, Architecture: $Architecture, CodeBucket: $CodeBucket, CodePrefix: $CodePrefix}
   | to_entries | map({ParameterKey: .key, ParameterValue: (.value | tostring)})' <<<"$stage_parameters")"

# What is there already: the stack, and a table kept by an earlier destroy.
stack_status="$(aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].StackStatus' --output text 2>/dev/null || true)"
case "$stack_status" in
  ""|None|REVIEW_IN_PROGRESS) change_type=CREATE ;;
  ROLLBACK_COMPLETE|ROLLBACK_FAILED|DELETE_FAILED)
    die "the stack $STACK is $stack_status and cannot be updated: remove it with infra/destroy.sh $STAGE, then deploy again" ;;
  *_IN_PROGRESS) die "the stack $STACK is busy ($stack_status); try again when it has finished" ;;
  *) change_type=UPDATE ;;
esac
import_table=false
if [ "$change_type" = CREATE ] && aws dynamodb describe-table --table-name "$TABLE" >/dev/null 2>&1; then
  import_table=true
fi

say "about to $($PLAN && echo "plan (show, not execute)" || echo deploy) the stack $STACK"
{
  echo "  account $ACCOUNT, region $REGION, stage $STAGE, architecture $ARCH"
  if $PLAN; then
    echo "  nothing is built or uploaded but the template, to s3://$BUCKET/$PREFIX/template.json"
  else
    echo "  build ${FUNCTIONS[*]} (infra/package.sh: cargo lambda build, release profiles) and upload them to s3://$BUCKET/$PREFIX/"
  fi
  echo "  $([ "$change_type" = CREATE ] && echo "create" || echo "update") the stack through a change set$($PLAN && echo ", shown and then deleted")"
  $import_table && echo "  the table $TABLE exists (kept by an earlier destroy): it is imported into the new stack first, data and all"
  if [ -f "$STAGE_FILE" ]; then echo "  parameters from $STAGE_FILE:"; else echo "  no $STAGE_FILE: the template's defaults, and:"; fi
  jq -r '.[] | "    \(.ParameterKey)=\(.ParameterValue)"' <<<"$parameters"
} >&2

# The artifacts bucket: private, encrypted, in this account and region.
if ! aws s3api head-bucket --bucket "$BUCKET" >/dev/null 2>&1; then
  say "creating the artifacts bucket $BUCKET"
  if [ "$REGION" = us-east-1 ]; then
    aws s3api create-bucket --bucket "$BUCKET" >/dev/null
  else
    aws s3api create-bucket --bucket "$BUCKET" --create-bucket-configuration "LocationConstraint=$REGION" >/dev/null
  fi
  aws s3api put-public-access-block --bucket "$BUCKET" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  aws s3api put-bucket-encryption --bucket "$BUCKET" --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
fi

if ! $PLAN; then
  "$INFRA_ROOT/infra/package.sh" --arch "$ARCH"
  for f in "${FUNCTIONS[@]}"; do
    aws s3 cp --only-show-errors "$(lambda_dir)/$f/bootstrap.zip" "s3://$BUCKET/$PREFIX/$f.zip"
  done
fi
# The template is over the 51,200 bytes CloudFormation takes inline, so it goes by S3 as well.
aws s3 cp --only-show-errors infra/template.json "s3://$BUCKET/$PREFIX/template.json"
TEMPLATE_URL="https://$BUCKET.s3.$REGION.amazonaws.com/$PREFIX/template.json"

# Waits for a change set; prints "empty" when it failed only because nothing changes.
wait_change_set() {
  local name="$1" reason
  if aws cloudformation wait change-set-create-complete --stack-name "$STACK" --change-set-name "$name" 2>/dev/null; then
    return 0
  fi
  reason="$(aws cloudformation describe-change-set --stack-name "$STACK" --change-set-name "$name" \
    --query StatusReason --output text 2>/dev/null || true)"
  if [[ "$reason" == *"didn't contain changes"* || "$reason" == *"No updates are to be performed"* ]]; then
    echo empty
    return 0
  fi
  die "the change set $name failed: $reason"
}

# Waits for the stack to reach what $1 (a waiter: stack-create-complete, …) waits for; on failure,
# says which resources failed and why.
wait_stack() {
  if aws cloudformation wait "$1" --stack-name "$STACK"; then
    return 0
  fi
  aws cloudformation describe-stack-events --stack-name "$STACK" --max-items 30 \
    --query "StackEvents[?contains(ResourceStatus, 'FAILED')].[LogicalResourceId,ResourceStatus,ResourceStatusReason]" \
    --output table >&2 || true
  die "the stack $STACK did not reach ${1%-complete}; the failed resources are above"
}

show_change_set() {
  aws cloudformation describe-change-set --stack-name "$STACK" --change-set-name "$1" \
    --query 'Changes[].ResourceChange.{Action:Action,Resource:LogicalResourceId,Type:ResourceType,Replacement:Replacement}' \
    --output table
}

# A plan leaves nothing behind: its change set, and the empty stack a CREATE change set makes.
discard() {
  aws cloudformation delete-change-set --stack-name "$STACK" --change-set-name "$1"
  if [ "$2" != UPDATE ]; then
    aws cloudformation delete-stack --stack-name "$STACK"
  fi
}

stamp="$(date -u +%Y%m%d%H%M%S)"
mkdir -p "$INFRA_ROOT/.local"

# A kept table joins the new stack by an import, which may create nothing else; the rest follows
# as an ordinary update.
if $import_table; then
  import_set="import-$stamp"
  jq '{AWSTemplateFormatVersion, Description, Parameters: {Stage: .Parameters.Stage},
       Resources: {CustomersTable: .Resources.CustomersTable}}' infra/template.json >"$INFRA_ROOT/.local/import-template.json"
  aws cloudformation create-change-set --stack-name "$STACK" --change-set-name "$import_set" \
    --change-set-type IMPORT --template-body "file://$INFRA_ROOT/.local/import-template.json" \
    --parameters "ParameterKey=Stage,ParameterValue=$STAGE" \
    --resources-to-import "[{\"ResourceType\":\"AWS::DynamoDB::Table\",\"LogicalResourceId\":\"CustomersTable\",\"ResourceIdentifier\":{\"TableName\":\"$TABLE\"}}]" \
    >/dev/null
  result="$(wait_change_set "$import_set")"
  show_change_set "$import_set"
  if $PLAN; then
    discard "$import_set" IMPORT
    say "plan only: nothing was changed. The deploy imports $TABLE first; the rest of the stack can be planned after that"
    exit 0
  fi
  say "importing $TABLE into $STACK"
  aws cloudformation execute-change-set --stack-name "$STACK" --change-set-name "$import_set"
  wait_stack stack-import-complete
  change_type=UPDATE
fi

change_set="deploy-$stamp"
parameters_file="$INFRA_ROOT/.local/deploy-parameters-$STAGE.json"
printf '%s\n' "$parameters" >"$parameters_file"
aws cloudformation create-change-set --stack-name "$STACK" --change-set-name "$change_set" \
  --change-set-type "$change_type" --template-url "$TEMPLATE_URL" \
  --parameters "file://$parameters_file" --capabilities CAPABILITY_IAM \
  --tags "Key=service,Value=customers" "Key=stage,Value=$STAGE" \
  --description "infra/deploy.sh $STAGE at $revision" >/dev/null
result="$(wait_change_set "$change_set")"
if [ "$result" = empty ]; then
  aws cloudformation delete-change-set --stack-name "$STACK" --change-set-name "$change_set"
  say "the stack $STACK is up to date: nothing to change"
  exit 0
fi
show_change_set "$change_set"

if $PLAN; then
  discard "$change_set" "$change_type"
  say "plan only: the change set was shown and deleted; nothing was changed"
  exit 0
fi

say "executing $change_set on $STACK"
aws cloudformation execute-change-set --stack-name "$STACK" --change-set-name "$change_set"
if [ "$change_type" = CREATE ]; then wait_stack stack-create-complete; else wait_stack stack-update-complete; fi
aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].Outputs' --output table
say "deployed $STACK"
