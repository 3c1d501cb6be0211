#!/usr/bin/env bash
# Builds every function as a Lambda package, target/lambda/<function>/bootstrap.zip, and prints
# the size of each (Lambda takes at most 50 MB zipped; the size also weighs on cold starts).
#
#   infra/package.sh [--arch x86_64|arm64]     (default x86_64)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ARCH=x86_64
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH="${2:?--arch needs x86_64 or arm64}"; shift 2 ;;
    --arch=*) ARCH="${1#--arch=}"; shift ;;
    -h|--help) usage 0 ;;
    *) die "unknown argument '$1' (usage: infra/package.sh [--arch x86_64|arm64])" ;;
  esac
done
triple="$(target_triple "$ARCH")"
check_build_prerequisites "$ARCH"
cd "$INFRA_ROOT"

# Set only when there are flags: a RUSTFLAGS set, even empty, hides any rustflags in cargo's config.
flags="$(package_rustflags "$ARCH")"
[ -z "$flags" ] || export RUSTFLAGS="$flags"

for profile in release release-speed; do
  bins=()
  for f in "${FUNCTIONS[@]}"; do [ "$(profile_of "$f")" = "$profile" ] && bins+=(--bin "$f"); done
  [ ${#bins[@]} -gt 0 ] || continue
  say "building ${bins[*]} for $ARCH ($triple), profile $profile"
  cargo lambda build --profile "$profile" --output-format zip --target "$triple" "${bins[@]}"
done

printf '%-20s %12s %8s\n' function bytes MB
total=0
for f in "${FUNCTIONS[@]}"; do
  zip="$(lambda_dir)/$f/bootstrap.zip"
  [ -f "$zip" ] || die "the build did not produce $zip"
  bytes="$(stat -c %s "$zip" 2>/dev/null || stat -f %z "$zip")"
  total=$((total + bytes))
  printf '%-20s %12d %8s\n' "$f" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"
done
printf '%-20s %12d %8s\n' total "$total" "$(awk -v b="$total" 'BEGIN { printf "%.1f", b / 1048576 }')"
