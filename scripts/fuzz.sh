#!/usr/bin/env bash
# The long schemathesis run: the same test `make test` runs with a few cases per
# operation, here with FUZZ_EXAMPLES (default 100) positive and as many negative cases per
# operation. Extra arguments go to pytest (e.g. --ds=... or -x).
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-100}"
echo "Fuzzing every API operation with ${FUZZ_EXAMPLES} positive + ${FUZZ_EXAMPLES} negative cases"
exec .venv/bin/pytest tests/hardening/test_fuzz.py -p no:cacheprovider -s "$@"
