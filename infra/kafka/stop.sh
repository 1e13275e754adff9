#!/usr/bin/env bash
# Stops the broker by its pid file (SIGTERM: controlled shutdown; SIGKILL after 30 s).
source "$(dirname "$0")/../scripts/lib.sh"
stop_pid Kafka "$IPASN_STATE_DIR/kafka/kafka.pid" 30
