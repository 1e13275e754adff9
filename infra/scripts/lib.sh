# Shared settings for the infra scripts. Sourced, never run.
# Every value can be overridden from the environment; `npm run up` passes the environment on to
# every process it starts.
set -euo pipefail

IPASN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export IPASN_ROOT
# Local state (data, logs, pid files): ignored by git, deleted by `npm run reset`.
export IPASN_STATE_DIR="${IPASN_STATE_DIR:-$IPASN_ROOT/.local}"
# Downloads kept across clones (Kafka jars): outside the work tree.
export IPASN_CACHE_DIR="${IPASN_CACHE_DIR:-$HOME/.cache/ipasn}"

export KAFKA_VERSION="${KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$IPASN_ROOT/infra/kafka/pom.xml")}"
export KAFKA_PORT="${KAFKA_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
export KAFKA_LIBS="$IPASN_CACHE_DIR/kafka-$KAFKA_VERSION/libs"
# Kafka 4.x logs through log4j2, 3.9 through reload4j: the JVM flag that points at the right config.
if [[ $KAFKA_VERSION == 3.* ]]; then
  KAFKA_LOG_OPTS="-Dlog4j.configuration=file:$IPASN_ROOT/infra/kafka/log4j.properties"
else
  KAFKA_LOG_OPTS="-Dlog4j2.configurationFile=$IPASN_ROOT/infra/kafka/log4j2.properties"
fi
export KAFKA_LOG_OPTS
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"

# The project's own Redis: not the machine's on 6379, so it controls its settings.
export REDIS_PORT="${REDIS_PORT:-16379}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"

export KAFKAJS_NO_PARTITIONER_WARNING=1

# Generated secrets (infra/scripts/secrets.sh; docs/security.md): never in git.
export IPASN_SECRETS_DIR="${IPASN_SECRETS_DIR:-$IPASN_STATE_DIR/secrets}"
# IPASN_INSECURE=1: PLAINTEXT Kafka without ACLs and Redis without users, only to measure what
# security costs (npm run bench); refused with NODE_ENV=production.
export IPASN_INSECURE="${IPASN_INSECURE:-0}"
if [[ $IPASN_INSECURE == 1 ]]; then
  [[ ${NODE_ENV:-} == production ]] && { printf '[ipasn] ERROR: IPASN_INSECURE=1 is refused with NODE_ENV=production\n' >&2; exit 1; }
  printf '[ipasn] WARNING: INSECURE MODE (IPASN_INSECURE=1): Kafka PLAINTEXT without ACLs, Redis without users. For benchmarks only.\n' >&2
fi

# as_principal KAFKA_PRINCIPAL REDIS_USER: the environment a process needs to connect as these
# identities (exported into the caller's shell; services read the *_FILE variables).
as_principal() {
  if [[ $IPASN_INSECURE == 1 ]]; then unset KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD_FILE KAFKA_SSL_CA_FILE REDIS_USERNAME REDIS_PASSWORD_FILE; return 0; fi
  export KAFKA_SASL_USERNAME="$1" KAFKA_SASL_PASSWORD_FILE="$IPASN_SECRETS_DIR/kafka/users/$1.password"
  export KAFKA_SSL_CA_FILE="$IPASN_SECRETS_DIR/kafka/ca.pem"
  export REDIS_USERNAME="$2" REDIS_PASSWORD_FILE="$IPASN_SECRETS_DIR/redis/$2.password"
}

log() { printf '[ipasn] %s\n' "$*" >&2; }
die() { printf '[ipasn] ERROR: %s\n' "$*" >&2; exit 1; }

# The supported runtime is Node.js 24 LTS (package.json engines). A machine whose `node` is older
# (Node 20 reached end-of-life on 2026-04-30) gets the official binary pinned in .nvmrc, from the
# npm registry's `node-linux-<arch>` package, unpacked once into the cache; it goes first on PATH for
# everything these scripts run (npm, turbo, vitest, the services). npm itself stays the machine's.
# The PATH the caller had, before ensure_node: what a user's own shell sees (readme-check.sh uses it).
export IPASN_USER_PATH="${IPASN_USER_PATH:-$PATH}"
IPASN_NODE_VERSION="$(tr -d ' \n' <"$IPASN_ROOT/.nvmrc")"
export IPASN_NODE_DIR="$IPASN_CACHE_DIR/node-v$IPASN_NODE_VERSION"
node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
ensure_node() {
  local major; major=$(node_major)
  if (( major >= 24 && major < 27 )); then return 0; fi
  if [[ ! -x "$IPASN_NODE_DIR/bin/node" ]]; then
    local arch tmp
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) die "no Node.js 24 package for $(uname -m): install Node.js 24 yourself" ;; esac
    command -v npm >/dev/null || die "npm is needed to fetch Node.js $IPASN_NODE_VERSION (or install Node.js 24 yourself)"
    log "node is $(node --version 2>/dev/null || echo 'not installed'); fetching Node.js $IPASN_NODE_VERSION (node-linux-$arch from the npm registry) into $IPASN_NODE_DIR, once"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$IPASN_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; die "npm pack node-linux-$arch@$IPASN_NODE_VERSION failed"; }
    tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp" || { rm -rf "$tmp"; die "could not unpack node-linux-$arch@$IPASN_NODE_VERSION"; }
    mkdir -p "$(dirname "$IPASN_NODE_DIR")"
    rm -rf "$IPASN_NODE_DIR" && mv "$tmp/package" "$IPASN_NODE_DIR" && rm -rf "$tmp"
    [[ $(node_major "$IPASN_NODE_DIR/bin/node") -ge 24 ]] || die "the unpacked Node.js in $IPASN_NODE_DIR does not run"
  fi
  export PATH="$IPASN_NODE_DIR/bin:$PATH"
}
ensure_node

# pid_alive FILE: true when FILE names a running process.
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid NAME FILE [SECONDS]: SIGTERM, wait, then SIGKILL; removes the pid file.
stop_pid() {
  local name=$1 file=$2 secs=${3:-30} pid
  if ! pid_alive "$file"; then rm -f "$file"; return 0; fi
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$file"; log "$name stopped"; return 0; }
    sleep 0.1
  done
  log "$name did not stop within ${secs}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

# port_open PORT: true when something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ensure_node_deps: install and build when needed (a fresh clone works with no other step).
ensure_node_deps() {
  cd "$IPASN_ROOT"
  if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund >&2
  fi
}
ensure_built() {
  ensure_node_deps
  log "building (turbo run build)"
  npx turbo run build --output-logs=errors-only >&2
}

# The services `npm run up` starts, in start order (only those that exist and are built).
services_in_start_order() {
  local svc
  for svc in normalizer scorer projector console gateway; do
    [[ -f "$IPASN_ROOT/services/$svc/dist/main.js" ]] && echo "$svc"
  done
  return 0
}

# wait_ready SERVICE: polls the service's /readyz (its port is in .local/run/<svc>.port, written by
# the service at start) for up to 60 s; a service without a port file is taken as ready once alive.
wait_ready() {
  local svc=$1 run="$IPASN_STATE_DIR/run" port
  for ((i = 0; i < 600; i++)); do
    pid_alive "$run/$svc.pid" || return 1
    if [[ -f "$run/$svc.port" ]]; then
      port=$(cat "$run/$svc.port")
      if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then log "$svc ready on :$port"; return 0; fi
    fi
    sleep 0.1
  done
  return 1
}
