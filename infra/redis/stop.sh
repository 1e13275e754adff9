#!/usr/bin/env bash
# Stops the project's Redis by its pid file (SIGTERM lets it flush the AOF).
source "$(dirname "$0")/../scripts/lib.sh"
stop_pid Redis "$IPASN_STATE_DIR/redis/redis.pid" 20
