#!/usr/bin/env bash
# `npm run failover [-- --events N --seed S --json FILE]`: the failover test (docs/scaling.md) on its
# OWN cluster — three KRaft nodes and Redis primary + replica + three Sentinels (infra/cluster), own
# state dir (.local/failover, wiped at the start) and own ports — so that it can SIGKILL nodes
# without touching anything else. Starts the cluster, runs test/chaos/dist/failover.js, stops it.
#   FAILOVER_STATE_DIR (default <repo>/.local/failover); ports: the cluster's (IPASN_CLUSTER_KAFKA_PORT,
#   IPASN_CLUSTER_REDIS_PORT, IPASN_CLUSTER_SENTINEL_PORT, infra/cluster/env.sh) + 100 unless
#   FAILOVER_KAFKA_PORT / FAILOVER_REDIS_PORT / FAILOVER_SENTINEL_PORT say otherwise;
#   FAILOVER_KEEP=1 leaves the cluster running afterwards; FAILOVER_SKIP_BUILD=1 skips the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
unset IPASN_SECRETS_DIR KAFKA_BROKERS REDIS_URL REDIS_SENTINELS REDIS_SENTINEL_PASSWORD_FILE KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD_FILE KAFKA_SSL_CA_FILE \
  REDIS_USERNAME REDIS_PASSWORD_FILE IPASN_TOPIC_PREFIX REDIS_PREFIX IPASN_AGENCY_CREDENTIALS_DIR PORT_FILE
export IPASN_STATE_DIR="${FAILOVER_STATE_DIR:-$root/.local/failover}"
export IPASN_CLUSTER_KAFKA_PORT="${FAILOVER_KAFKA_PORT:-$(( ${IPASN_CLUSTER_KAFKA_PORT:-29092} + 100 ))}"
export IPASN_CLUSTER_REDIS_PORT="${FAILOVER_REDIS_PORT:-$(( ${IPASN_CLUSTER_REDIS_PORT:-26380} + 100 ))}"
export IPASN_CLUSTER_SENTINEL_PORT="${FAILOVER_SENTINEL_PORT:-$(( ${IPASN_CLUSTER_SENTINEL_PORT:-26390} + 100 ))}"
export IPASN_INSECURE=0
source "$root/infra/scripts/lib.sh"
source "$root/infra/cluster/env.sh"
[[ $(basename "$IPASN_STATE_DIR") == failover* ]] || die "FAILOVER_STATE_DIR must be a folder named failover… (it is wiped at the start): $IPASN_STATE_DIR"
[[ ${FAILOVER_SKIP_BUILD:-0} == 1 ]] || ensure_built
stop_cluster() { "$IPASN_ROOT/infra/cluster/down.sh" || true; }
stop_cluster
rm -rf "$IPASN_STATE_DIR"
mkdir -p "$IPASN_STATE_DIR"
[[ ${FAILOVER_KEEP:-0} == 1 ]] || trap stop_cluster EXIT
log "failover cluster: Kafka $KAFKA_BROKERS, Redis Sentinels $REDIS_SENTINELS, state $IPASN_STATE_DIR"
t=$(date +%s)
"$IPASN_ROOT/infra/cluster/up.sh"
log "cluster up in $(( $(date +%s) - t )) s"
"$IPASN_ROOT/infra/scripts/console-login.sh"
as_principal admin admin
export KAFKA_LOG_OPTS
set +e
node "$IPASN_ROOT/test/chaos/dist/failover.js" "$@"
status=$?
set -e
log "failover report: $IPASN_STATE_DIR/failover-report.txt (JSON: failover-report.json; service logs: logs/)"
exit $status
