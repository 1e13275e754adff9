#!/usr/bin/env bash
# ensure-debian.sh LABEL CHECK PACKAGE...: makes sure a tool the tests need is here. CHECK is a
# shell command that succeeds when it is; otherwise Debian's PACKAGEs are installed (apt-get, as root
# or through sudo, quietly) and CHECK must then succeed. Idempotent; exits non-zero when the tool
# cannot be had, so the caller fails loudly instead of skipping its tests. Used by
# infra/observability/ensure-promtool.sh, services/console/scripts/ensure-chromium.sh and
# services/gateway/scripts/ensure-php.sh.
set -euo pipefail
label="$1" check="$2"
shift 2
if bash -c "$check" >/dev/null 2>&1; then exit 0; fi
echo "[$label] not found ($check): installing Debian's $*" >&2
apt_install() { "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }
packages=("$@")
if ! command -v apt-get >/dev/null; then
  echo "[$label] cannot install $*: no apt-get (install them by hand)" >&2
  exit 1
elif [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq >&2 && apt_install
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq >&2 && apt_install sudo
else
  echo "[$label] cannot install $*: not root and no sudo (install Debian's $*)" >&2
  exit 1
fi
bash -c "$check" >/dev/null 2>&1 || { echo "[$label] still missing after apt-get install $*" >&2; exit 1; }
