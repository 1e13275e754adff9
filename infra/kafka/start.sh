#!/usr/bin/env bash
# Starts the single-node KRaft broker in the background (idempotent) and waits until it is ready.
source "$(dirname "$0")/../scripts/lib.sh"
dir="$IPASN_STATE_DIR/kafka"; pidf="$dir/kafka.pid"
mkdir -p "$dir/data" "$dir/logs"
if pid_alive "$pidf"; then
  log "Kafka already running (pid $(cat "$pidf"), $KAFKA_BROKERS)"
  exec "$(dirname "$0")/wait.sh"
fi
if port_open "$KAFKA_PORT"; then
  die "port $KAFKA_PORT is taken by a process that is not ours: stop it or set KAFKA_PORT"
fi
"$(dirname "$0")/fetch.sh"
sed -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$dir/data#g" \
  "$IPASN_ROOT/infra/kafka/server.properties.template" >"$dir/server.properties"
if [[ ! -f "$dir/data/meta.properties" ]]; then
  [[ -f "$dir/cluster-id" ]] || java -cp "$KAFKA_LIBS/*" $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" kafka.tools.StorageTool random-uuid >"$dir/cluster-id"
  log "formatting KRaft storage (cluster $(cat "$dir/cluster-id"))"
  java -cp "$KAFKA_LIBS/*" $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" \
    kafka.tools.StorageTool format -t "$(cat "$dir/cluster-id")" -c "$dir/server.properties" --ignore-formatted >>"$dir/logs/format.log" 2>&1 \
    || { tail -20 "$dir/logs/format.log" >&2; die "formatting Kafka storage failed (log: $dir/logs/format.log)"; }
fi
log "starting Kafka $KAFKA_VERSION on $KAFKA_BROKERS"
# shellcheck disable=SC2086
nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" \
  -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
echo $! >"$pidf"
exec "$(dirname "$0")/wait.sh"
