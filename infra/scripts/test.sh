#!/usr/bin/env bash
# The README's test command (`npm test`) and what .ci/run calls: installs, builds, starts Kafka and
# Redis if they are not running, runs lint, typecheck and every package's tests (unit and
# integration, against the real services), and prints one closing line "N passed, N failed".
source "$(dirname "$0")/lib.sh"
export TURBO_TELEMETRY_DISABLED=1
t0=$(date +%s)
ensure_built
started=0
if ! pid_alive "$IPASN_STATE_DIR/kafka/kafka.pid" || ! pid_alive "$IPASN_STATE_DIR/redis/redis.pid"; then started=1; fi
"$(dirname "$0")/infra-up.sh"
# The tests connect as the admin principal (they create and delete their own namespaced topics and
# ACLs); the security tests log in as the agencies and services themselves.
as_principal admin admin
log "runtime: node $(node --version) ($(command -v node)); Kafka broker $(sed -n 's/.*Kafka version: \([^ ]*\) .*/\1/p' "$IPASN_STATE_DIR/kafka/logs/server.log" | tail -1) on $KAFKA_BROKERS; $(redis-server --version | cut -d' ' -f1-3)"
# The console's browser tests drive Debian's Chromium (installed here when absent).
if [[ -f "$IPASN_ROOT/services/console/scripts/ensure-chromium.sh" ]]; then
  bash "$IPASN_ROOT/services/console/scripts/ensure-chromium.sh" || die "Chromium is needed by the console's browser tests and could not be installed"
fi
# The alert-rule tests run Prometheus's promtool (Debian's prometheus package, installed here when absent).
bash "$IPASN_ROOT/infra/observability/ensure-promtool.sh" || die "promtool is needed by the alert-rule tests and could not be installed"
# docs/gateway.md's PHP client is run as printed by Debian's php-cli (installed here when absent).
bash "$IPASN_ROOT/services/gateway/scripts/ensure-php.sh" || die "php-cli with curl is needed by the gateway's PHP example test and could not be installed"
cleanup() {
  # The chaos test (test/chaos/test/chaos-ci.test.ts) runs its own broker and Redis on
  # KAFKA_PORT + 100 / REDIS_PORT + 100 under .local/chaos-ci and stops them itself; a run cut short
  # (a timeout) could leave them behind.
  IPASN_STATE_DIR="$IPASN_ROOT/.local/chaos-ci" "$IPASN_ROOT/infra/redis/stop.sh" >/dev/null 2>&1 || true
  IPASN_STATE_DIR="$IPASN_ROOT/.local/chaos-ci" "$IPASN_ROOT/infra/kafka/stop.sh" >/dev/null 2>&1 || true
  # The failover test's cluster (test/chaos/test/failover-ci.test.ts, .local/failover-ci), likewise.
  [[ -d $IPASN_ROOT/.local/failover-ci/cluster ]] && IPASN_STATE_DIR="$IPASN_ROOT/.local/failover-ci" "$IPASN_ROOT/infra/cluster/down.sh" >/dev/null 2>&1 || true
  if [[ $started -eq 1 && "${IPASN_KEEP_UP:-0}" != 1 ]]; then
    "$IPASN_ROOT/infra/redis/stop.sh" || true
    "$IPASN_ROOT/infra/kafka/stop.sh" || true
  fi
}
trap cleanup EXIT
cd "$IPASN_ROOT"
status=0
log "the README's ipasn commands, as written"
bash "$IPASN_ROOT/infra/scripts/readme-check.sh" || status=1
log "lint + typecheck"
npx turbo run lint typecheck --output-logs=errors-only || status=1
rm -rf packages/*/.vitest services/*/.vitest examples/*/.vitest test/.vitest infra/observability/.vitest
log "tests (unit + integration against Kafka $KAFKA_BROKERS and Redis $REDIS_URL)"
# One package at a time: the integration tests share one broker on 2 cores.
npx turbo run test --concurrency=1 --continue -- --reporter=default --reporter=json \
  --outputFile.json=.vitest/results.json || status=1
node "$IPASN_ROOT/infra/scripts/test-summary.mjs" || status=1
log "test run took $(( $(date +%s) - t0 ))s"
exit $status
