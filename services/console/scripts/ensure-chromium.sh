#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the console's browser tests
# (playwright-core drives it; never `npx playwright install`, which downloads its own browser and
# fails on this machine's closed network). Installs Debian's `chromium` package when it is absent,
# as root or through sudo. Idempotent; exits non-zero when Chromium cannot be had, so the caller
# fails loudly instead of skipping the browser tests.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then exit 0; fi
echo "[console] $CHROMIUM not found: installing Debian's chromium package" >&2
if [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
else
  echo "[console] cannot install chromium: not root and no sudo (install Debian's chromium package)" >&2
  exit 1
fi
[[ -x "$CHROMIUM" ]] || { echo "[console] chromium still missing at $CHROMIUM after apt-get install" >&2; exit 1; }
"$CHROMIUM" --version >&2 || true
