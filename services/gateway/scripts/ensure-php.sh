#!/usr/bin/env bash
# Makes sure `php` with the curl extension (Debian's php-cli and php-curl) is here for the test that
# runs docs/gateway.md's PHP example (test/php-example.test.ts); installs them when absent.
exec bash "$(dirname "$0")/../../../infra/scripts/ensure-debian.sh" gateway "php -r 'exit(function_exists(\"curl_init\") ? 0 : 1);'" php-cli php-curl
