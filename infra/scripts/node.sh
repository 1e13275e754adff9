#!/usr/bin/env bash
# Runs a Node.js script with the project's runtime (Node.js 24; lib.sh fetches it when the machine's
# is older): `bash infra/scripts/node.sh FILE ARGS…`. For npm scripts that run a built file.
source "$(dirname "$0")/lib.sh"
exec node "$@"
