#!/usr/bin/env bash
# Makes sure `php` with the curl extension (Debian's php-cli and php-curl) is on PATH for the test
# that runs docs/gateway.md's PHP example (test/php-example.test.ts). Installs the packages when
# absent, as root or through sudo, quietly. Idempotent; exits non-zero when PHP cannot be had, so the
# caller fails loudly instead of skipping the test.
set -euo pipefail
if command -v php >/dev/null && php -r 'exit(function_exists("curl_init") ? 0 : 1);'; then exit 0; fi
echo "[gateway] php with curl not found: installing Debian's php-cli and php-curl" >&2
apt_install() { "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends php-cli php-curl >/dev/null; }
if ! command -v apt-get >/dev/null; then
  echo "[gateway] cannot install PHP: no apt-get (install php-cli with the curl extension)" >&2
  exit 1
elif [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq >&2 && apt_install
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq >&2 && apt_install sudo
else
  echo "[gateway] cannot install PHP: not root and no sudo (install Debian's php-cli and php-curl)" >&2
  exit 1
fi
php -r 'exit(function_exists("curl_init") ? 0 : 1);' || { echo "[gateway] php or its curl extension still missing after apt-get install" >&2; exit 1; }
