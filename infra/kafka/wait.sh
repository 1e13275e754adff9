#!/usr/bin/env bash
# Waits until the broker logs "Kafka Server started" and accepts connections (default 90 s).
source "$(dirname "$0")/../scripts/lib.sh"
dir="$IPASN_STATE_DIR/kafka"; pidf="$dir/kafka.pid"; timeout="${KAFKA_START_TIMEOUT:-90}"
start=$(date +%s%N)
for ((i = 0; i < timeout * 5; i++)); do
  pid_alive "$pidf" || { tail -30 "$dir/logs/server.log" "$dir/logs/stdout.log" 2>/dev/null >&2; die "Kafka exited while starting (logs: $dir/logs)"; }
  if grep -q 'Kafka Server started' "$dir/logs/server.log" 2>/dev/null && port_open "$KAFKA_PORT"; then
    log "Kafka ready on $KAFKA_BROKERS (waited $(( ($(date +%s%N) - start) / 1000000 )) ms)"
    exit 0
  fi
  sleep 0.2
done
tail -30 "$dir/logs/server.log" >&2 2>/dev/null || true
die "Kafka not ready after ${timeout}s (logs: $dir/logs)"
