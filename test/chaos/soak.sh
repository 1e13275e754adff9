#!/usr/bin/env bash
# `npm run soak [-- --rate R --minutes M --seed S --warmup-s W]`: the soak run (docs/reliability.md)
# on its OWN Kafka broker and Redis, started as the chaos harness starts them — own state dir
# (.local/chaos-soak, wiped at the start) and own ports — then test/chaos/dist/soak.js (services, a
# paced stream, samples every 10 s, report); stops them at the end.
#   CHAOS_STATE_DIR (default <repo>/.local/chaos-soak), CHAOS_KAFKA_PORT (KAFKA_PORT + 100, i.e. 19192;
#   controller: +1), CHAOS_REDIS_PORT (REDIS_PORT + 100, i.e. 16479): the chaos run's ports, so do
#   not run both at once without other ports; CHAOS_KEEP=1 leaves the infrastructure running afterwards,
#   CHAOS_SKIP_BUILD=1 skips `turbo run build` (the test suite has built already).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# Nothing of the caller's infrastructure may leak in: the run's own state, secrets and ports.
unset IPASN_SECRETS_DIR KAFKA_BROKERS REDIS_URL KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD_FILE KAFKA_SSL_CA_FILE REDIS_USERNAME REDIS_PASSWORD_FILE \
  IPASN_TOPIC_PREFIX REDIS_PREFIX IPASN_AGENCY_CREDENTIALS_DIR PORT_FILE
export IPASN_STATE_DIR="${CHAOS_STATE_DIR:-$root/.local/chaos-soak}"
# Default ports: the caller's (or the defaults 19092/16379) + 100, so that two clones with their own
# ports never share a chaos broker.
export KAFKA_PORT="${CHAOS_KAFKA_PORT:-$(( ${KAFKA_PORT:-19092} + 100 ))}"
export KAFKA_CONTROLLER_PORT="${CHAOS_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
export REDIS_PORT="${CHAOS_REDIS_PORT:-$(( ${REDIS_PORT:-16379} + 100 ))}"
export IPASN_INSECURE=0
source "$root/infra/scripts/lib.sh"
# The folder is wiped at every start: only one whose name says it is the chaos run's.
[[ $(basename "$IPASN_STATE_DIR") == chaos* ]] || die "CHAOS_STATE_DIR must be a folder named chaos… (it is wiped at the start): $IPASN_STATE_DIR"
[[ ${CHAOS_SKIP_BUILD:-0} == 1 ]] || ensure_built
stop_infra() {
  "$IPASN_ROOT/infra/redis/stop.sh" || true
  "$IPASN_ROOT/infra/kafka/stop.sh" || true
}
# A previous run's broker or Redis in this state dir is ours to stop; then a clean slate.
stop_infra
rm -rf "$IPASN_STATE_DIR"
mkdir -p "$IPASN_STATE_DIR"
[[ ${CHAOS_KEEP:-0} == 1 ]] || trap stop_infra EXIT
log "soak infrastructure: Kafka $KAFKA_BROKERS, Redis $REDIS_URL, state $IPASN_STATE_DIR"
"$IPASN_ROOT/infra/scripts/infra-up.sh"
"$IPASN_ROOT/infra/scripts/console-login.sh"
as_principal admin admin
set +e
node "$IPASN_ROOT/test/chaos/dist/soak.js" "$@"
status=$?
set -e
log "soak report: $IPASN_STATE_DIR/soak-report.txt (samples: soak-samples.json; service logs: logs/)"
exit $status
