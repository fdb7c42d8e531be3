#!/usr/bin/env bash
# Debian's chromium + chromedriver for the browser tests (tests/browser/), installed only
# when chromedriver is missing: quiet and idempotent. `make test` calls it.
# Outside CI a failed install is a warning (the browser tests then skip); with CI=true
# it is an error (the browser tests must run there).
set -euo pipefail

if command -v chromedriver >/dev/null 2>&1 && { command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; }; then
    exit 0
fi

fail() {
    echo "browser-deps: $1" >&2
    if [ "${CI:-}" = "true" ]; then exit 1; fi
    echo "browser-deps: the browser tests will be skipped" >&2
    exit 0
}

command -v apt-get >/dev/null 2>&1 || fail "no apt-get here; install chromium and chromium-driver yourself"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    fail "not root and no password-less sudo; run: sudo apt-get install -y chromium chromium-driver"
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >"$log" 2>&1 \
        || { "${SUDO[@]}" apt-get update -qq >>"$log" 2>&1 \
             && "${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >>"$log" 2>&1; }; }; then
    cat "$log" >&2
    fail "apt-get install chromium chromium-driver failed"
fi
echo "browser-deps: installed $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
