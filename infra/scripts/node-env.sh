#!/usr/bin/env bash
# Prints the shell line that puts the project's Node.js 24 first on PATH (fetching it once when the
# machine's node is older): `eval "$(bash infra/scripts/node-env.sh)"` in your own shell.
source "$(dirname "$0")/lib.sh"
printf 'export PATH=%q:"$PATH"\n' "$(dirname "$(command -v node)")"
