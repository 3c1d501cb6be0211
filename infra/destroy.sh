#!/usr/bin/env bash
# Removes the stack customers-STAGE: functions, API, queue, log groups, alarms, dashboard. The
# table and its data are kept (the template retains it and protects it from deletion), so a
# later deploy of the same stage takes it back.
#
#   infra/destroy.sh STAGE [--delete-table] [--yes]
#
#   --delete-table   also delete the table customers-STAGE and all its data (asks first)
#   --yes            do not ask (for scripts)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STAGE="" DELETE_TABLE=false YES=false
while [ $# -gt 0 ]; do
  case "$1" in
    --delete-table) DELETE_TABLE=true; shift ;;
    --yes|-y) YES=true; shift ;;
    -h|--help) usage 0 ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [ -z "$STAGE" ] || usage; STAGE="$1"; shift ;;
  esac
done
use_stage "$STAGE"

ACCOUNT="$(check_aws_prerequisites)"
REGION="$(aws_region)"
export AWS_REGION="$REGION"

stack_status="$(aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].StackStatus' --output text 2>/dev/null || true)"
[ "$stack_status" = None ] && stack_status=""
table_exists=false
aws dynamodb describe-table --table-name "$TABLE" >/dev/null 2>&1 && table_exists=true

if [ -z "$stack_status" ] && ! { $DELETE_TABLE && $table_exists; }; then
  say "there is no stack $STACK in account $ACCOUNT, region $REGION: nothing to remove"
  $table_exists && echo "  (the table $TABLE is there; infra/destroy.sh $STAGE --delete-table removes it)" >&2
  exit 0
fi

say "about to remove, in account $ACCOUNT, region $REGION:"
{
  if [ -n "$stack_status" ]; then
    echo "  the stack $STACK ($stack_status): its functions, HTTP API, failure queue (and any messages in it),"
    echo "  log groups (and their logs), alarms and dashboard"
  fi
  if $DELETE_TABLE; then
    if $table_exists; then
      echo "  the table $TABLE and ALL ITS DATA (deletion protection is turned off first)"
    else
      echo "  (no table $TABLE to delete)"
    fi
  else
    $table_exists && echo "  the table $TABLE is kept, data and all (--delete-table removes it)"
  fi
  echo "  the artifacts bucket is kept (shared by every stage of the account)"
} >&2

if $DELETE_TABLE && $table_exists && ! $YES; then
  [ -t 0 ] || die "deleting the table needs a confirmation: run in a terminal, or add --yes"
  read -r -p "Type the table name ($TABLE) to delete it with all its data: " answer
  [ "$answer" = "$TABLE" ] || die "not confirmed; nothing was removed"
fi

if [ -n "$stack_status" ]; then
  say "deleting the stack $STACK"
  aws cloudformation delete-stack --stack-name "$STACK"
  if ! aws cloudformation wait stack-delete-complete --stack-name "$STACK"; then
    aws cloudformation describe-stack-events --stack-name "$STACK" --max-items 30 \
      --query "StackEvents[?contains(ResourceStatus, 'FAILED')].[LogicalResourceId,ResourceStatusReason]" \
      --output table >&2 || true
    die "the stack $STACK was not deleted; the failed resources are above"
  fi
fi

if $DELETE_TABLE && $table_exists; then
  say "deleting the table $TABLE"
  aws dynamodb update-table --table-name "$TABLE" --no-deletion-protection-enabled >/dev/null
  aws dynamodb wait table-exists --table-name "$TABLE"
  aws dynamodb delete-table --table-name "$TABLE" >/dev/null
  aws dynamodb wait table-not-exists --table-name "$TABLE"
fi
say "removed$([ -n "$stack_status" ] && echo " $STACK")$($DELETE_TABLE && $table_exists && echo " and $TABLE")"
