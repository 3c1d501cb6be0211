#!/usr/bin/env bash
# Searches a test run's logs for personal data. What the service must never log: an email
# address, an Argon2 hash, and any password, name, phone number, customer reference, address
# line, note text or date of birth the tests send (the literal string values of those members in
# the test sources), and a raw path where its route template belongs (a path holds customer
# numbers, references and account ids). Prints each finding with its line; fails on any, and on
# an empty log.
# Usage: check-logs.sh LOG_FILE...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ "$#" -ge 1 ] || { echo "usage: $0 LOG_FILE..." >&2; exit 2; }
for log_file in "$@"; do
  [ -s "$log_file" ] || { echo "no log lines in $log_file: nothing was checked" >&2; exit 1; }
done

values="$(mktemp)"
trap 'rm -f "$values"' EXIT
# The members that hold personal data, as the tests write them in json!(…) bodies. Values built
# with format! ("{…}") are left out here; the email pattern below catches the generated emails.
members='password|newPassword|oldPassword|firstName|surname|email|telephoneNumber|telephoneNumberNoCountryCode|landlineNumber|countryCode|customerRef|vippsId|addressLine1|addressLine2|postalAddress|text|dateOfBirth|generatedPassword'
grep -rhoE "\"($members)\": *\"[^\"]{3,}\"" "$ROOT"/tests/*.rs "$ROOT"/tests/src/*.rs \
  | sed -E 's/^"[^"]+": *"//; s/"$//' \
  | grep -v '[{}]' \
  | sort -u >"$values"

lines=0
findings=0
for log_file in "$@"; do
  lines=$((lines + $(wc -l <"$log_file")))
  # Whole values only: "Oslo" inside "Oslo1" is not a finding, nor a name inside a longer word.
  # The numbers each request's line measures (its latency, time, counts, status, the token's
  # organisation) are the service's own, not what a request sent: left out of this search, so a
  # latency of 123.4 ms is not taken for a test's "123". Every other member is searched as is.
  measured='"(Latency|Timestamp|DynamoDbCalls|Requests|Status4xx|Status5xx|StatusCode|organisation)":[0-9.eE+-]+'
  if sed -E "s/$measured//g" "$log_file" | grep -nwF -f "$values" >/tmp/check-logs.$$ 2>/dev/null; then
    findings=$((findings + $(wc -l </tmp/check-logs.$$)))
    sed "s|^|$log_file: a test value: |" /tmp/check-logs.$$ | head -20
  fi
  if grep -nE '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}|\$argon2' "$log_file" >/tmp/check-logs.$$; then
    findings=$((findings + $(wc -l </tmp/check-logs.$$)))
    sed "s|^|$log_file: an email or a hash: |" /tmp/check-logs.$$ | head -20
  fi
  # A raw path (a customer number, reference or account id in it) instead of its route template.
  if grep -nE '/profiles/(temporary/)?[0-9]|/customer-ref/[^{]|/customer-accounts/[^{]' "$log_file" >/tmp/check-logs.$$; then
    findings=$((findings + $(wc -l </tmp/check-logs.$$)))
    sed "s|^|$log_file: a raw path: |" /tmp/check-logs.$$ | head -20
  fi
  rm -f /tmp/check-logs.$$
done
echo "searched $lines log lines for $(wc -l <"$values") test values, every email address, Argon2 hash and raw path: $findings found"
[ "$findings" -eq 0 ]
