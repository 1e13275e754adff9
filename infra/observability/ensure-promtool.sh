#!/usr/bin/env bash
# Makes sure `promtool` (Debian's `prometheus` package) is on PATH for the alert-rule tests
# (test/rules.test.ts runs `promtool test rules`); installs the package when absent.
exec bash "$(dirname "$0")/../scripts/ensure-debian.sh" observability 'command -v promtool' prometheus
