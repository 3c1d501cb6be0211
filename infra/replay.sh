#!/usr/bin/env bash
# Replays the change-event failure queue of the stack customers-STAGE: invokes the deployed
# change-events function with {"replayFailures": {}}, which publishes the current state of every
# profile the queued messages name (under the lost events' ids) and deletes each message once
# it is published. Invokes it again while a run stops for time with messages left, and prints
# each run's report; messages it could not replay stay in the queue, each reported with why.
#
#   infra/replay.sh STAGE
#
# Needs only lambda:InvokeFunction on customers-change-events-STAGE: the function does the work
# with its own role. Stream records live 24 hours, so replay within a day of the alarm
# customers-STAGE-change-events-failed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STAGE=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage 0 ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [ -z "$STAGE" ] || usage; STAGE="$1"; shift ;;
  esac
done
use_stage "$STAGE"
command -v jq >/dev/null 2>&1 || die "jq is not installed (it reads the replay's reports): https://jqlang.org/download/"
ACCOUNT="$(check_aws_prerequisites)"
REGION="$(aws_region)"
export AWS_REGION="$REGION"
FUNCTION="customers-change-events-$STAGE"

say "replaying the failure queue of $STACK with $FUNCTION (account $ACCOUNT, region $REGION)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
kept=0
for run in 1 2 3 4 5 6 7 8 9 10; do
  aws lambda invoke --function-name "$FUNCTION" --cli-binary-format raw-in-base64-out \
    --payload '{"replayFailures": {}}' "$out" >/dev/null \
    || die "cannot invoke $FUNCTION: is the stack $STACK deployed, and may this identity invoke it?"
  jq -e 'has("received")' "$out" >/dev/null 2>&1 || die "$FUNCTION did not answer with a report: $(cat "$out")"
  jq -r --arg run "$run" '"run \($run): \(.received) messages taken, \(.replayed) replayed (\(.events) events), \(.kept | length) kept"' "$out"
  jq -r '.kept[] | "  kept: \(.)"' "$out"
  kept=$((kept + $(jq '.kept | length' "$out")))
  if [ "$(jq -r '.finished' "$out")" = true ]; then
    break
  fi
done
if [ "$kept" -gt 0 ]; then
  say "$kept messages stay in the queue (see why above); replay again once their cause is mended"
  exit 1
fi
say "the failure queue is replayed"
