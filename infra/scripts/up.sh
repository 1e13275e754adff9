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
# Instances per service: IPASN_INSTANCES (default 1) for the stream services (normalizer, scorer,
# projector; they share their consumer group's partitions), IPASN_INSTANCES_<SVC> per service. One
# instance keeps the plain names (<svc>.pid/.log/.port, its fixed ops port); N > 1 run as <svc>-1 …
# <svc>-N, each with its own pid, log and port file and an ops port picked by the system (port 0).
# The console and the gateway run once (fixed HTTP ports).
instances_of() {
  local svc=$1 var n
  var="IPASN_INSTANCES_$(echo "$svc" | tr '[:lower:]' '[:upper:]')"
  case $svc in normalizer | scorer | projector) n=${!var:-${IPASN_INSTANCES:-1}} ;; *) n=1 ;; esac
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "$var / IPASN_INSTANCES must be a whole number ≥ 1, got '$n'"
  if ((n == 1)); then echo "$svc"; else for ((i = 1; i <= n; i++)); do echo "$svc-$i"; done; fi
}
started=()
for svc in $(services_in_start_order); do
  if [[ $svc == console && $IPASN_INSECURE == 1 ]]; then log "console not started: IPASN_INSECURE (its Redis user does not exist without the ACL file)"; continue; fi
  if [[ $svc == gateway && $IPASN_INSECURE == 1 ]]; then log "gateway not started: IPASN_INSECURE (agency tokens and its TLS certificate are secrets)"; continue; fi
  for inst in $(instances_of "$svc"); do
  started+=("$inst")
  pidf="$run/$inst.pid"
  if pid_alive "$pidf"; then log "$inst already running (pid $(cat "$pidf"))"; continue; fi
  log "starting $inst (log: $logs/$inst.log)"
  # Each service as its own Kafka principal and Redis user (docs/security.md).
  (
    as_principal "$svc" "$svc"
    if [[ $inst != "$svc" ]]; then
      export PORT_FILE="$run/$inst.port" "$(echo "$svc" | tr '[:lower:]' '[:upper:]')_OPS_PORT=0"
    fi
    if [[ $svc == console ]]; then
      export CONSOLE_REDIS_USERNAME=console CONSOLE_REDIS_PASSWORD_FILE="$IPASN_SECRETS_DIR/redis/console.password"
      export CONSOLE_USERS_FILE="$IPASN_SECRETS_DIR/console/users.json" CONSOLE_SESSION_SECRET_FILE="$IPASN_SECRETS_DIR/console/session-secret"
    fi
    if [[ $svc == gateway ]]; then
      # HTTPS with the certificate the local CA signed; agencies' tokens as SHA-256 hashes only.
      export GATEWAY_TOKENS_FILE="$IPASN_SECRETS_DIR/gateway/tokens.db"
      export GATEWAY_TLS_CERT_FILE="$IPASN_SECRETS_DIR/gateway/tls.pem" GATEWAY_TLS_KEY_FILE="$IPASN_SECRETS_DIR/gateway/tls.key"
    fi
    # V8 options every service runs with (infra/service-node-options: a 16 MiB young generation
    # instead of Node 24's 64 MiB on a large machine; docs/benchmarks.md, "Memory").
    export NODE_OPTIONS="$(<"$IPASN_ROOT/infra/service-node-options")${NODE_OPTIONS:+ $NODE_OPTIONS}"
    exec nohup node "$IPASN_ROOT/services/$svc/dist/main.js" >>"$logs/$inst.log" 2>&1
  ) &
  echo $! >"$pidf"
  done
done
for inst in "${started[@]}"; do
  wait_ready "$inst" || die "$inst did not become ready (log: $logs/$inst.log)"
done
gateway_port="$IPASN_STATE_DIR/run/gateway-api.port"
log "up: Kafka $KAFKA_BROKERS, Redis ${REDIS_SENTINELS:+through the Sentinels $REDIS_SENTINELS, primary at first }$REDIS_URL${CONSOLE_URL:+, console $CONSOLE_URL}$([[ -s $gateway_port && $IPASN_INSECURE != 1 ]] && echo ", gateway https://127.0.0.1:$(cat "$gateway_port") (docs/gateway.md)")"
