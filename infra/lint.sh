#!/usr/bin/env bash
# Lints the deploy template (or the template given as $1) offline. Emulators accept misspelled properties and invalid values,
# so these linters (and a real account) are what can judge it before a deploy:
#   cfn-lint: the CloudFormation resource schemas and rules; no error and no warning may remain.
#   checkov:  security checks; none may fail, and every skipped check must say why in the
#             resource's Metadata.checkov.skip entry.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/local/common.sh"
TEMPLATE="${1:-$ROOT/infra/template.json}"
"$ROOT/infra/local/install.sh" --linters

# cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational findings.
status=0
findings="$("$LINT_VENV/bin/cfn-lint" --format parseable "$TEMPLATE")" || status=$?
if [ $((status & ~8)) -ne 0 ]; then
  printf '%s\n' "$findings" >&2
  echo "cfn-lint: the template has errors or warnings (exit status $status)" >&2
  exit 1
fi
informational="$(printf '%s' "$findings" | grep -c . || true)"

# --skip-download: no calls to the vendor's platform, so the run is offline and repeatable.
report="$("$LINT_VENV/bin/checkov" -f "$TEMPLATE" --framework cloudformation --skip-download -o json 2>/dev/null || true)"
checkov_summary="$(printf '%s' "$report" | python3 -c '
import json, sys
try:
    report = json.load(sys.stdin)
except ValueError:
    sys.exit("checkov did not produce a report")
s = report["summary"]
for check in report["results"].get("failed_checks", []):
    print("FAILED %s %s: %s" % (check["check_id"], check["resource"], check["check_name"]), file=sys.stderr)
if s["failed"] or s["parsing_errors"]:
    sys.exit("checkov: %d failed, %d parsing errors" % (s["failed"], s["parsing_errors"]))
print("checkov %s: %d passed, 0 failed, %d skipped" % (s["checkov_version"], s["passed"], s["skipped"]))
')"

# Checkov takes a skip without a reason; this project does not.
python3 - "$TEMPLATE" <<'PY'
import json, sys
template = json.load(open(sys.argv[1]))
bad = [name for name, resource in template["Resources"].items()
       for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
       if not skip.get("id") or len(skip.get("comment", "").strip()) < 20]
if bad:
    sys.exit("checkov skips without a reason in: " + ", ".join(sorted(set(bad))))
PY

echo "template lint: cfn-lint $CFN_LINT_VERSION: 0 errors, 0 warnings, $informational informational; $checkov_summary (each skip with its reason)"
