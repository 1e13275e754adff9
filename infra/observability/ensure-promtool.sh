#!/usr/bin/env bash
# Makes sure `promtool` (Debian's `prometheus` package) is on PATH for the alert-rule tests
# (test/observability/rules.test.ts runs `promtool test rules`). Installs the package when absent, as
# root or through sudo, quietly. Idempotent; exits non-zero when promtool cannot be had, so the
# caller fails loudly instead of skipping the rule tests.
set -euo pipefail
if command -v promtool >/dev/null; then exit 0; fi
echo "[observability] promtool not found: installing Debian's prometheus package" >&2
apt_install() { "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
if ! command -v apt-get >/dev/null; then
  echo "[observability] cannot install promtool: no apt-get (install Prometheus's promtool and put it on PATH)" >&2
  exit 1
elif [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq >&2 && apt_install
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq >&2 && apt_install sudo
else
  echo "[observability] cannot install promtool: not root and no sudo (install Debian's prometheus package)" >&2
  exit 1
fi
command -v promtool >/dev/null || { echo "[observability] promtool still missing after apt-get install prometheus" >&2; exit 1; }
