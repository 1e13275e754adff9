#!/usr/bin/env bash
# `npm run bench [-- --quick | --events N --rate R --seconds S --no-docs]`: the benchmark suite
# (bench/suite/src/main.ts; docs/benchmarks.md, "Suite") on its OWN Kafka broker and Redis — own
# state dir (.local/bench-suite, wiped at the start) and own ports — like test/chaos/chaos.sh, so
# that nothing else running on the machine shares its topics or consumer groups. Builds, starts
# them, runs the suite, stops them. Figures only, never a test.
#   BENCH_STATE_DIR (default <repo>/.local/bench-suite), BENCH_KAFKA_PORT (KAFKA_PORT + 200, i.e.
#   19292; controller: +1), BENCH_REDIS_PORT (REDIS_PORT + 200, i.e. 16579), BENCH_KEEP=1 leaves
#   the infrastructure running, BENCH_SKIP_BUILD=1 skips `turbo run build`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
unset IPASN_SECRETS_DIR KAFKA_BROKERS REDIS_URL KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD_FILE KAFKA_SSL_CA_FILE REDIS_USERNAME REDIS_PASSWORD_FILE \
  IPASN_TOPIC_PREFIX REDIS_PREFIX IPASN_AGENCY_CREDENTIALS_DIR PORT_FILE
export IPASN_STATE_DIR="${BENCH_STATE_DIR:-$root/.local/bench-suite}"
export KAFKA_PORT="${BENCH_KAFKA_PORT:-$(( ${KAFKA_PORT:-19092} + 200 ))}"
export KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
export REDIS_PORT="${BENCH_REDIS_PORT:-$(( ${REDIS_PORT:-16379} + 200 ))}"
export IPASN_INSECURE=0
source "$root/infra/scripts/lib.sh"
ensure_node
[[ $(basename "$IPASN_STATE_DIR") == bench-suite* ]] || die "BENCH_STATE_DIR must be a folder named bench-suite… (it is wiped at the start): $IPASN_STATE_DIR"
[[ ${BENCH_SKIP_BUILD:-0} == 1 ]] || ensure_built
stop_infra() {
  "$IPASN_ROOT/infra/redis/stop.sh" || true
  "$IPASN_ROOT/infra/kafka/stop.sh" || true
}
stop_infra
rm -rf "$IPASN_STATE_DIR"
mkdir -p "$IPASN_STATE_DIR"
[[ ${BENCH_KEEP:-0} == 1 ]] || trap stop_infra EXIT
log "bench infrastructure: Kafka $KAFKA_BROKERS, Redis $REDIS_URL, state $IPASN_STATE_DIR"
"$IPASN_ROOT/infra/scripts/infra-up.sh" >"$IPASN_STATE_DIR/infra-up.log" 2>&1 || { cat "$IPASN_STATE_DIR/infra-up.log" >&2; die "infra-up failed"; }
as_principal admin admin
node "$IPASN_ROOT/bench/suite/dist/main.js" "$@"
