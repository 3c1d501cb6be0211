# Shared by deploy.sh, destroy.sh and package.sh: the functions, the stack's names and the
# prerequisite checks. Sourced, not run.
INFRA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Binary names; each is also the package name <function>.zip that the template points at.
FUNCTIONS=(profiles temporary-profiles credentials customer-accounts preferences change-events)
# Built with the cargo profile `release-speed` instead of `release` (size): the function that
# hashes passwords, optimised by the pipeline of opt-level 2 (Cargo.toml).
SPEED_FUNCTIONS=(credentials)

# The cargo profile a function is built with.
profile_of() {
  local f
  for f in "${SPEED_FUNCTIONS[@]}"; do [ "$f" = "$1" ] && { echo release-speed; return; }; done
  echo release
}

# Where cargo lambda puts the packages (<dir>/<function>/bootstrap.zip).
lambda_dir() { printf '%s/lambda' "${CARGO_TARGET_DIR:-$INFRA_ROOT/target}"; }

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The script's header comment, as its usage; exits with $1 (2 by default).
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit "${1:-2}"
}

# Checks the stage against the template's rule for it, before anything is built, and sets the
# names that come from it: the stack and the table.
use_stage() {
  [ -n "$1" ] || usage
  [[ "$1" =~ ^[a-z][a-z0-9-]{0,19}$ ]] \
    || die "stage '$1' is not valid: lower-case letters, digits and '-', starting with a letter, at most 20 characters"
  STACK="customers-$1"
  TABLE="customers-$1"
}

# The compiler flags of a Lambda package build for architecture $1, before any RUSTFLAGS of the
# caller's. x86_64 links a position-dependent executable: a position-independent one carries
# 28,000 relocations (680 KB) that the loader applies at every cold start, writing 600 KB of
# tables into private pages. Without them `profiles` reaches its first event in 1.15x
# hello-world's time instead of 1.30x, peaks 1.1 MB lower and is 0.8 MB smaller
# (docs/performance.md). The executable's own addresses are then fixed (the libraries, stack and
# heap are still placed at random). arm64 keeps the default: its target is not installed where
# this was measured.
package_rustflags() {
  local flags=""
  [ "$1" = x86_64 ] && flags="-C relocation-model=static"
  printf '%s' "$flags${RUSTFLAGS:+${flags:+ }$RUSTFLAGS}"
}

# Rust target triple of a Lambda architecture.
target_triple() {
  case "$1" in
    x86_64) echo x86_64-unknown-linux-gnu ;;
    arm64) echo aarch64-unknown-linux-gnu ;;
    *) die "unknown architecture '$1' (x86_64 or arm64)" ;;
  esac
}

# Everything a Lambda package build for architecture $1 needs, each missing piece named with
# how to get it. Building for another machine than this one links with zig.
check_build_prerequisites() {
  local arch="$1" triple host libdir missing=()
  triple="$(target_triple "$arch")"
  command -v cargo >/dev/null 2>&1 || missing+=("cargo (Rust): https://rustup.rs")
  if ! cargo lambda --version >/dev/null 2>&1; then
    missing+=("cargo-lambda: pip3 install cargo-lambda (or see https://www.cargo-lambda.info)")
  fi
  if command -v rustc >/dev/null 2>&1; then
    host="$(rustc -vV | sed -n 's/^host: //p')"
    libdir="$(rustc --print target-libdir --target "$triple" 2>/dev/null || true)"
    if [ -z "$libdir" ] || ! ls "$libdir"/libstd-* >/dev/null 2>&1; then
      missing+=("the Rust target $triple: rustup target add $triple")
    fi
    if [ "$host" != "$triple" ] && ! command -v zig >/dev/null 2>&1 \
        && ! python3 -m ziglang version >/dev/null 2>&1; then
      missing+=("zig, to link for $triple on $host: pip3 install ziglang")
    fi
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    printf 'error: cannot build the %s packages; missing:\n' "$arch" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

# The AWS CLI and working credentials; prints the account id.
check_aws_prerequisites() {
  command -v aws >/dev/null 2>&1 \
    || die "the AWS CLI is not installed: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
  local account
  account="$(aws sts get-caller-identity --query Account --output text 2>/dev/null)" \
    || die "the AWS CLI has no working credentials: run 'aws configure' or 'aws sso login', or set AWS_PROFILE"
  [ -n "$account" ] || die "aws sts get-caller-identity returned no account"
  printf '%s' "$account"
}

# The region the CLI will use; CloudFormation needs one.
aws_region() {
  local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  [ -n "$region" ] || region="$(aws configure get region 2>/dev/null || true)"
  [ -n "$region" ] || die "no AWS region is set: export AWS_REGION (e.g. eu-north-1) or run 'aws configure'"
  printf '%s' "$region"
}
