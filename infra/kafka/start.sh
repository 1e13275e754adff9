#!/usr/bin/env bash
# Starts the single-node KRaft broker in the background (idempotent) and waits until it is ready.
# Secure by default (design.md, Security; docs/security.md): SASL_SSL + SCRAM-SHA-512 for clients,
# the StandardAuthorizer, SCRAM users created at format time from the generated secrets, and any
# principal added since (a new agency) created here through Kafka's ConfigCommand.
source "$(dirname "$0")/../scripts/lib.sh"
dir="$IPASN_STATE_DIR/kafka"; pidf="$dir/kafka.pid"
mode=$([[ $IPASN_INSECURE == 1 ]] && echo insecure || echo secure)
mkdir -p "$dir/data" "$dir/logs"
if pid_alive "$pidf"; then
  log "Kafka already running (pid $(cat "$pidf"), $KAFKA_BROKERS, $(cat "$dir/data/.ipasn-mode" 2>/dev/null || echo '?'))"
  [[ $(cat "$dir/data/.ipasn-mode" 2>/dev/null) == "$mode" ]] || die "the running broker is not $mode: stop it (npm run down) first"
  "$(dirname "$0")/wait.sh"
  [[ $mode == secure ]] || exit 0
  # Principals added since it started (a new agency, a new service): their secrets, then their SCRAM users.
  "$IPASN_ROOT/infra/scripts/secrets.sh"
  exec "$(dirname "$0")/scram-users.sh"
fi
if port_open "$KAFKA_PORT"; then
  die "port $KAFKA_PORT is taken by a process that is not ours: stop it or set KAFKA_PORT"
fi
"$(dirname "$0")/fetch.sh"
k="$IPASN_SECRETS_DIR/kafka"
if [[ $mode == secure ]]; then
  "$IPASN_ROOT/infra/scripts/secrets.sh"
  security="listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
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
else
  security="listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
fi
umask 077
{
  while IFS= read -r line; do
    if [[ $line == '@SECURITY@' ]]; then printf '%s\n' "$security"; else printf '%s\n' "$line"; fi
  done < <(sed -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$dir/data#g" \
    "$IPASN_ROOT/infra/kafka/server.properties.template")
} >"$dir/server.properties"
# Data formatted in the other mode cannot simply be reused (a secure broker needs its SCRAM users
# in the metadata log from the start): local data is moved aside, loudly, and formatted anew.
if [[ -f "$dir/data/meta.properties" && $(cat "$dir/data/.ipasn-mode" 2>/dev/null || echo insecure) != "$mode" ]]; then
  aside="$dir/data.$(cat "$dir/data/.ipasn-mode" 2>/dev/null || echo insecure).$(date +%Y%m%d%H%M%S)"
  log "WARNING: the local Kafka data was formatted $(cat "$dir/data/.ipasn-mode" 2>/dev/null || echo insecure), not $mode: moved to $aside; formatting anew"
  mv "$dir/data" "$aside" && mkdir -p "$dir/data"
fi
if [[ ! -f "$dir/data/meta.properties" ]]; then
  [[ -f "$dir/cluster-id" ]] || java -cp "$KAFKA_LIBS/*" $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" kafka.tools.StorageTool random-uuid >"$dir/cluster-id"
  scram=()
  if [[ $mode == secure ]]; then
    while read -r p; do scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(cat "$k/users/$p.password")]"); done \
      < <("$IPASN_ROOT/infra/scripts/secrets.sh" principals)
  fi
  log "formatting KRaft storage (cluster $(cat "$dir/cluster-id"), $mode, $(( ${#scram[@]} / 2 )) SCRAM users)"
  java -cp "$KAFKA_LIBS/*" $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" \
    kafka.tools.StorageTool format -t "$(cat "$dir/cluster-id")" -c "$dir/server.properties" --ignore-formatted "${scram[@]}" >>"$dir/logs/format.log" 2>&1 \
    || { tail -20 "$dir/logs/format.log" >&2; die "formatting Kafka storage failed (log: $dir/logs/format.log)"; }
  echo "$mode" >"$dir/data/.ipasn-mode"
  [[ $mode == secure ]] && "$IPASN_ROOT/infra/scripts/secrets.sh" principals >"$dir/data/.ipasn-scram-users"
fi
log "starting Kafka $KAFKA_VERSION on $KAFKA_BROKERS ($mode)"
# Its own session (setsid): a broker started from a test or a task runner outlives that process
# group (turbo or vitest ending a task must not take the broker with it). Same pid (no fork).
# shellcheck disable=SC2086
setsid nohup java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" \
  -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
echo $! >"$pidf"
"$(dirname "$0")/wait.sh"
[[ $mode == secure ]] && exec "$(dirname "$0")/scram-users.sh"
exit 0
