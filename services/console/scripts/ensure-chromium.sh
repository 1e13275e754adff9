#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium (or CHROMIUM_PATH) for the console's browser
# tests (playwright-core drives it; never `npx playwright install`, which downloads its own browser and
# fails on this machine's closed network); installs Debian's `chromium` package when absent.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
bash "$(dirname "$0")/../../../infra/scripts/ensure-debian.sh" console "test -x '$CHROMIUM'" chromium || exit 1
"$CHROMIUM" --version >&2 || true
