#!/usr/bin/env bash
# `npm run reset`: down, then delete the local Kafka and Redis data and logs. Asks nothing.
source "$(dirname "$0")/lib.sh"
"$(dirname "$0")/down.sh"
rm -rf "$IPASN_STATE_DIR"
log "local state deleted ($IPASN_STATE_DIR); the jar cache ($IPASN_CACHE_DIR) is kept"
