#!/usr/bin/env bash
# `npm run up`: Kafka + Redis + topics + every service, in the background. Idempotent: what runs
# already is left alone. The environment of this command reaches every service it starts.
source "$(dirname "$0")/lib.sh"
ensure_built
# Cluster mode (`npm run up -- --cluster` or IPASN_CLUSTER=1; docs/scaling.md): 3 KRaft nodes and
# Redis behind Sentinel instead of the single node; env.sh points every service at them.
if [[ ${IPASN_CLUSTER:-0} == 1 || ${1:-} == --cluster ]]; then
  source "$IPASN_ROOT/infra/cluster/env.sh"
  "$IPASN_ROOT/infra/cluster/up.sh"
else
  "$(dirname "$0")/infra-up.sh"
fi
run="$IPASN_STATE_DIR/run"; logs="$IPASN_STATE_DIR/logs"; mkdir -p "$run" "$logs"
"$(dirname "$0")/console-login.sh"
for svc in $(services_in_start_order); do
  if [[ $svc == console && $IPASN_INSECURE == 1 ]]; then log "console not started: IPASN_INSECURE (its Redis user does not exist without the ACL file)"; continue; fi
  if [[ $svc == gateway && $IPASN_INSECURE == 1 ]]; then log "gateway not started: IPASN_INSECURE (agency tokens and its TLS certificate are secrets)"; continue; fi
  pidf="$run/$svc.pid"
  if pid_alive "$pidf"; then log "$svc already running (pid $(cat "$pidf"))"; continue; fi
  log "starting $svc (log: $logs/$svc.log)"
  # Each service as its own Kafka principal and Redis user (docs/security.md).
  (
    as_principal "$svc" "$svc"
    if [[ $svc == console ]]; then
      export CONSOLE_REDIS_USERNAME=console CONSOLE_REDIS_PASSWORD_FILE="$IPASN_SECRETS_DIR/redis/console.password"
      export CONSOLE_USERS_FILE="$IPASN_SECRETS_DIR/console/users.json" CONSOLE_SESSION_SECRET_FILE="$IPASN_SECRETS_DIR/console/session-secret"
    fi
    if [[ $svc == gateway ]]; then
      # HTTPS with the certificate the local CA signed; agencies' tokens as SHA-256 hashes only.
      export GATEWAY_TOKENS_FILE="$IPASN_SECRETS_DIR/gateway/tokens.db"
      export GATEWAY_TLS_CERT_FILE="$IPASN_SECRETS_DIR/gateway/tls.pem" GATEWAY_TLS_KEY_FILE="$IPASN_SECRETS_DIR/gateway/tls.key"
    fi
    exec nohup node "$IPASN_ROOT/services/$svc/dist/main.js" >>"$logs/$svc.log" 2>&1
  ) &
  echo $! >"$pidf"
done
for svc in $(services_in_start_order); do
  [[ ($svc == console || $svc == gateway) && $IPASN_INSECURE == 1 ]] && continue
  wait_ready "$svc" || die "$svc did not become ready (log: $logs/$svc.log)"
done
gateway_port="$IPASN_STATE_DIR/run/gateway-api.port"
log "up: Kafka $KAFKA_BROKERS, Redis ${REDIS_SENTINELS:+through the Sentinels $REDIS_SENTINELS, primary at first }$REDIS_URL${CONSOLE_URL:+, console $CONSOLE_URL}$([[ -s $gateway_port && $IPASN_INSECURE != 1 ]] && echo ", gateway https://127.0.0.1:$(cat "$gateway_port") (docs/gateway.md)")"
