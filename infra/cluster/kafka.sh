#!/usr/bin/env bash
# kafka.sh start ID… | stop ID… | wait ID… : cluster mode's KRaft nodes (docs/scaling.md), each its
# own JVM, ports (env.sh) and folder $IPASN_STATE_DIR/cluster/kafka-<id> (data/, logs/, kafka.pid).
# `start` renders server.properties, formats the storage once (one cluster id for the three, the
# SCRAM users of every principal), launches the JVMs and waits until each logs "Kafka Server
# started". Idempotent: a running node is left alone. The failover test restarts a node with it.
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/env.sh"
cmd=${1:?usage: kafka.sh start|stop|wait ID…}; shift
(($#)) || set -- 1 2 3
k="$IPASN_SECRETS_DIR/kafka"
node_dir() { echo "$IPASN_CLUSTER_DIR/kafka-$1"; }
voters() { local i out=(); for i in 1 2 3; do out+=("$i@127.0.0.1:$(cluster_controller_port "$i")"); done; (IFS=,; echo "${out[*]}"); }

render() {
  local id=$1 dir port cport security
  dir=$(node_dir "$id"); port=$(cluster_broker_port "$id"); cport=$(cluster_controller_port "$id")
  security="listeners=SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=SASL_SSL://127.0.0.1:$port
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"controller\" password=\"$(cat "$k/controller.password")\" user_controller=\"$(cat "$k/controller.password")\";
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\" password=\"$(cat "$k/users/broker.password")\";
ssl.keystore.type=PKCS12
ssl.keystore.location=$k/broker.p12
ssl.keystore.password=$(cat "$k/broker.p12.password")
ssl.key.password=$(cat "$k/broker.p12.password")
ssl.truststore.type=PEM
ssl.truststore.location=$k/ca.pem
ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:controller;User:broker;User:admin"
  mkdir -p "$dir/data" "$dir/logs"
  umask 077
  while IFS= read -r line; do
    if [[ $line == '@SECURITY@' ]]; then printf '%s\n' "$security"; else printf '%s\n' "$line"; fi
  done < <(sed -e "s#@ID@#$id#g" -e "s#@VOTERS@#$(voters)#g" -e "s#@DATA_DIR@#$dir/data#g" \
    -e "s#@RF@#$IPASN_CLUSTER_REPLICATION_FACTOR#g" -e "s#@MIN_ISR@#$IPASN_CLUSTER_MIN_INSYNC#g" \
    "$IPASN_ROOT/infra/cluster/server.properties.template") >"$dir/server.properties"
}

format() {
  local id=$1 dir scram=()
  dir=$(node_dir "$id")
  [[ -f $dir/data/meta.properties ]] && return 0
  while read -r p; do scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(cat "$k/users/$p.password")]"); done \
    < <("$IPASN_ROOT/infra/scripts/secrets.sh" principals)
  java -cp "$KAFKA_LIBS/*" $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" \
    kafka.tools.StorageTool format -t "$(cat "$IPASN_CLUSTER_DIR/cluster-id")" -c "$dir/server.properties" --ignore-formatted "${scram[@]}" >>"$dir/logs/format.log" 2>&1 \
    || { tail -20 "$dir/logs/format.log" >&2; die "formatting kafka-$id failed (log: $dir/logs/format.log)"; }
}

launch() {
  local id=$1 dir
  dir=$(node_dir "$id")
  if pid_alive "$dir/kafka.pid"; then log "kafka-$id already running (pid $(cat "$dir/kafka.pid"))"; return 0; fi
  port_open "$(cluster_broker_port "$id")" && die "port $(cluster_broker_port "$id") is taken by a process that is not ours: stop it or set IPASN_CLUSTER_KAFKA_PORT"
  # A restart must not mistake the previous run's "started" line for this one's.
  [[ -f $dir/logs/server.log ]] && mv "$dir/logs/server.log" "$dir/logs/server.log.$(date +%s)"
  # shellcheck disable=SC2086
  setsid nohup java $IPASN_CLUSTER_KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$dir/kafka.pid"
  log "kafka-$id starting (pid $!, broker 127.0.0.1:$(cluster_broker_port "$id"), controller :$(cluster_controller_port "$id"))"
}

wait_node() {
  local id=$1 dir timeout="${KAFKA_START_TIMEOUT:-180}" start
  dir=$(node_dir "$id"); start=$(date +%s%N)
  for ((i = 0; i < timeout * 5; i++)); do
    pid_alive "$dir/kafka.pid" || { tail -30 "$dir/logs/server.log" "$dir/logs/stdout.log" 2>/dev/null >&2; die "kafka-$id exited while starting (logs: $dir/logs)"; }
    if grep -q 'Kafka Server started' "$dir/logs/server.log" 2>/dev/null && port_open "$(cluster_broker_port "$id")"; then
      log "kafka-$id ready on 127.0.0.1:$(cluster_broker_port "$id") (waited $(( ($(date +%s%N) - start) / 1000000 )) ms)"
      return 0
    fi
    sleep 0.2
  done
  tail -30 "$dir/logs/server.log" >&2 2>/dev/null || true
  die "kafka-$id not ready after ${timeout}s (logs: $dir/logs)"
}

case $cmd in
  start)
    "$IPASN_ROOT/infra/kafka/fetch.sh"
    "$IPASN_ROOT/infra/scripts/secrets.sh"
    mkdir -p "$IPASN_CLUSTER_DIR"
    [[ -s $IPASN_CLUSTER_DIR/cluster-id ]] || java -cp "$KAFKA_LIBS/*" $KAFKA_LOG_OPTS -Dkafka.logs.dir="$IPASN_CLUSTER_DIR" kafka.tools.StorageTool random-uuid >"$IPASN_CLUSTER_DIR/cluster-id"
    for id in "$@"; do render "$id"; done
    # The formats in parallel: each is a JVM start (≈ 3 s on this machine).
    pids=(); for id in "$@"; do format "$id" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || die "formatting failed"; done
    for id in "$@"; do launch "$id"; done
    for id in "$@"; do wait_node "$id"; done ;;
  wait) for id in "$@"; do wait_node "$id"; done ;;
  stop)
    # All at once: stopped one after the other, the last node's controlled shutdown would wait for
    # a quorum that is already gone.
    pids=(); for id in "$@"; do stop_pid "kafka-$id" "$(node_dir "$id")/kafka.pid" 30 & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || true; done ;;
  *) die "usage: kafka.sh start|stop|wait ID…" ;;
esac
