#!/usr/bin/env bash
# The Ceph s3-tests suite as a ratchet. Runs the suite's core profile
# (../shared/compat/run-hoard.sh --profile core, kept outside this
# repository) against a fresh build of this tree with the legacy bucket
# defaults, so that the tests measure the protocol rather than S3's 2023
# defaults, and fails when a test on test/compat/passing.txt fails.
#
#   test/compat/run.sh            check the list (CI does this)
#   test/compat/run.sh --update   run the core profile twice and rewrite the
#                                 list with the tests that passed both times
#   test/compat/run.sh -k EXPR    run the core tests matching EXPR (pytest -k)
#                                 with the same settings; no check
#
# Flaky tests never fail the check: a listed test that fails is run once
# more on a fresh server, and only a second failure counts. --update keeps
# only tests that passed in both runs, each faster than half the per-test
# timeout (S3T_TEST_TIMEOUT, 60 s), since a test near its limit times out
# on a loaded machine.
#
# Regenerating the list (after merging features that make more tests
# pass): on an idle machine, from the repository root of the merged tree,
# run `test/compat/run.sh --update`, review the +/- lines it prints and
# the diff of test/compat/passing.txt (a test leaving the list is a
# regression unless explained), then commit the list. The check also
# prints the tests that pass but are not listed.
#
# Environment: HOARD_COMPAT_ACCOUNTS (1, the default: the suite's alt and
# tenant users are separate accounts; 0: IAM users of the main account),
# HOARD_COMPAT_DIR (default ../shared/compat from the
# repository root; missing: the check is skipped with a message),
# HOARD_ARGS (extra server flags, after --bucket-defaults=legacy),
# S3T_OUT_DIR (results, default ./s3t-results), S3T_TOTAL_TIMEOUT
# (whole-run limit in seconds, default 1200).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
root=$(cd "$(dirname "$self")/../.." && pwd)
cd "$root"
here=test/compat
list=$here/passing.txt
compat=${HOARD_COMPAT_DIR:-$root/../shared/compat}
update=0
subset=
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  -k) subset=${2:?-k needs a pytest expression} ;;
  -h|--help) sed -n '2,33p' "$self" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: test/compat/run.sh [--update | -k EXPR]" >&2; exit 2 ;;
esac
if [ ! -x "$compat/run-hoard.sh" ]; then
  echo "test/compat: no s3-tests suite at $compat (set HOARD_COMPAT_DIR); skipping the s3-tests ratchet"
  exit 0
fi
export S3T_PYTHON_APPEND_PATH=${S3T_PYTHON_APPEND_PATH:-/usr/lib/python3/dist-packages}
for mod in pytest pytest_timeout munch isodate pytz dateutil boto3; do
  if ! python3 -c 'import os, sys
sys.path.extend(p for p in os.environ["S3T_PYTHON_APPEND_PATH"].split(os.pathsep) if p)
__import__(sys.argv[1])' "$mod" 2>/dev/null; then
    echo "test/compat: python module $mod is missing (Debian: python3-pytest python3-pytest-timeout" \
      "python3-munch python3-isodate python3-tz python3-dateutil; boto3)" >&2
    exit 3
  fi
done
out=${S3T_OUT_DIR:-$root/s3t-results}
export S3T_OUT_DIR=$out
export S3T_TOTAL_TIMEOUT=${S3T_TOTAL_TIMEOUT:-1200}
export S3T_TEST_TIMEOUT=${S3T_TEST_TIMEOUT:-60}
# The suite sends SSE-C keys over plain HTTP, which S3 (and Hoard by
# default) refuses; the development setting lets those tests run.
export HOARD_ARGS="--bucket-defaults=legacy --allow-sse-c-over-http=on ${HOARD_ARGS:-}"
# The suite's alt and tenant users are accounts of their own, as in
# Amazon S3 and Ceph: test/compat/accounts/aws stands in for the aws CLI
# that run-hoard.sh makes them with, and creates them with `hoard admin
# account create` instead; it also creates the suite's two KMS keys.
# HOARD_COMPAT_ACCOUNTS=0 makes them IAM users of the main account (and
# the aws/s3 key stands in for the first KMS key) as before accounts.
if [ "${HOARD_COMPAT_ACCOUNTS:-1}" = 1 ]; then
  accounts_tmp=$(mktemp -d /tmp/hoard-compat-accounts.XXXXXX)
  trap 'rm -rf "$accounts_tmp"' EXIT
  CGO_ENABLED=0 go build -o "$accounts_tmp/hoard" ./cmd/hoard
  export HOARD_COMPAT_BIN=$accounts_tmp/hoard HOARD_COMPAT_ACCOUNTS_DIR=$accounts_tmp
  export PATH="$root/$here/accounts:$PATH"
  export S3T_KMS_KEYID=${S3T_KMS_KEYID:-alias/s3t-key-1} S3T_KMS_KEYID2=${S3T_KMS_KEYID2:-alias/s3t-key-2}
  # The suite names those keys by their ARNs, as S3 reports them
  # (test/compat/accounts/python).
  export S3T_PYTHON=$root/$here/accounts/python
else
  export S3T_KMS_KEYID=${S3T_KMS_KEYID:-alias/aws/s3}
fi

suite() { # label, then pytest args
  local label=$1
  shift
  "$compat/run-hoard.sh" --profile core --label "$label" -- "$@" || {
    echo "test/compat: the suite did not complete ($label)" >&2
    return 1
  }
}

if [ -n "$subset" ]; then
  suite compat-subset -k "$subset"
  exit 0
fi

if [ "$update" = 1 ]; then
  suite compat-update-1
  suite compat-update-2
  python3 $here/ratchet.py update "$list" "$((S3T_TEST_TIMEOUT / 2))" \
    "$out/compat-update-1.junit.xml" "$out/compat-update-2.junit.xml"
  exit 0
fi

if [ ! -s "$list" ]; then
  echo "test/compat: $list is missing; run test/compat/run.sh --update" >&2
  exit 1
fi
suite compat-check
if python3 $here/ratchet.py check "$list" "$out/compat-check.junit.xml"; then
  exit 0
fi
expr=$(python3 $here/ratchet.py retry-expr "$list" "$out/compat-check.junit.xml")
echo "test/compat: running the failed listed tests once more on a fresh server"
suite compat-retry -k "$expr"
python3 $here/ratchet.py check "$list" "$out/compat-check.junit.xml" "$out/compat-retry.junit.xml"
