#!/usr/bin/env bash
# One-shot, in the apache/kafka image, before a node's first start (compose: kafka-N-format):
# formats the node's storage with every SCRAM user (`kafka-storage.sh format --add-scram`), so that
# the brokers can authenticate to each other, and every service and agency can connect, from the
# first start. The image's own start formats without users (it has no variable for --add-scram) and
# carries on when the storage is "already formatted", which it then is.
#
# The server properties are rendered from the node's KAFKA_* variables with the image's own rule
# (kafka.docker.KafkaDockerWrapper: drop KAFKA_, lower-case, `___` → `-`, `__` → `_`, `_` → `.`;
# the JVM-option variables are not properties), so format sees the configuration the node runs with.
# Users: one per file /etc/ipasn/scram-users/<principal>.password (infra/deploy/secrets.sh).
# Idempotent: formatted storage is left alone (principals added later: the kafka-admin service).
set -euo pipefail
users=${IPASN_SCRAM_USERS_DIR:-/etc/ipasn/scram-users}
: "${CLUSTER_ID:?CLUSTER_ID is not set}" "${KAFKA_NODE_ID:?KAFKA_NODE_ID is not set}" "${KAFKA_LOG_DIRS:?KAFKA_LOG_DIRS is not set}"
if [[ -f $KAFKA_LOG_DIRS/meta.properties ]]; then
  echo "[ipasn] node $KAFKA_NODE_ID: storage already formatted"
  exit 0
fi
props=$(mktemp)
trap 'rm -f "$props"' EXIT
while IFS= read -r -d '' kv; do
  name=${kv%%=*} value=${kv#*=}
  [[ $name == KAFKA_* ]] || continue
  case $name in
    KAFKA_VERSION | KAFKA_HEAP_OPTS | KAFKA_LOG4J_OPTS | KAFKA_OPTS | KAFKA_JMX_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_GC_LOG_OPTS | \
      KAFKA_LOG4J_ROOT_LOGLEVEL | KAFKA_LOG4J_LOGGERS | KAFKA_TOOLS_LOG4J_LOGLEVEL | KAFKA_JMX_HOSTNAME) continue ;;
  esac
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//_/.}
  key=${key//.../-}
  key=${key//../_}
  printf '%s=%s\n' "$key" "$value" >>"$props"
done < <(env -0)
scram=()
shopt -s nullglob
for f in "$users"/*.password; do
  p=$(basename "$f" .password)
  [[ $p =~ ^[A-Za-z0-9._-]+$ ]] || { echo "[ipasn] ERROR: unexpected principal name in $f" >&2; exit 1; }
  scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(tr -d '\n' <"$f")]")
done
[[ -s $users/broker.password && -s $users/admin.password ]] || { echo "[ipasn] ERROR: no broker/admin password in $users: run infra/deploy/secrets.sh" >&2; exit 1; }
echo "[ipasn] node $KAFKA_NODE_ID: formatting $KAFKA_LOG_DIRS (cluster $CLUSTER_ID) with $(( ${#scram[@]} / 2 )) SCRAM users"
# The tool prints the bootstrap records, salted SCRAM keys included: kept out of the container log.
out=$(mktemp)
trap 'rm -f "$props" "$out"' EXIT
"${IPASN_KAFKA_STORAGE:-/opt/kafka/bin/kafka-storage.sh}" format --cluster-id "$CLUSTER_ID" -c "$props" --ignore-formatted "${scram[@]}" >"$out" 2>&1 \
  || { grep -v 'UserScramCredentialRecord' "$out" >&2; echo "[ipasn] ERROR: formatting node $KAFKA_NODE_ID failed" >&2; exit 1; }
grep -v 'UserScramCredentialRecord' "$out" || true
