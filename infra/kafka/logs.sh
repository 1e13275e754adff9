#!/usr/bin/env bash
# Shows the broker log; `logs.sh -f` follows it.
source "$(dirname "$0")/../scripts/lib.sh"
exec tail -n 200 "$@" "$IPASN_STATE_DIR/kafka/logs/server.log"
