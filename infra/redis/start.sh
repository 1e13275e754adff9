#!/usr/bin/env bash
# Starts the project's own Redis (not the machine's on 6379) with the settings the system needs:
# noeviction (BullMQ requires it), AOF on (the demo keeps its state across restarts), and the ACL
# users of infra/redis/users.acl with generated passwords (`default` off). Idempotent: a Redis that
# runs already reloads the users (ACL LOAD), so a new user or rule reaches it.
source "$(dirname "$0")/../scripts/lib.sh"
dir="$IPASN_STATE_DIR/redis"; pidf="$dir/redis.pid"
mkdir -p "$dir"
if ! command -v redis-server >/dev/null; then
  log "redis-server not found: installing Debian's redis-server package"
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && apt-get install -y -qq redis-server >&2
  else sudo apt-get update -qq && sudo apt-get install -y -qq redis-server >&2; fi
  command -v redis-server >/dev/null || die "could not install redis-server"
fi
acl=()
if [[ $IPASN_INSECURE != 1 ]]; then
  "$IPASN_ROOT/infra/scripts/secrets.sh"
  acl=(--aclfile "$IPASN_SECRETS_DIR/redis/users.acl")
  export REDISCLI_AUTH; REDISCLI_AUTH="$(cat "$IPASN_SECRETS_DIR/redis/admin.password")"
fi
cli() { if [[ $IPASN_INSECURE == 1 ]]; then redis-cli -p "$REDIS_PORT" "$@"; else redis-cli -p "$REDIS_PORT" --user admin "$@"; fi; }
ping() { cli ping 2>/dev/null | grep -q PONG; }
if pid_alive "$pidf"; then
  log "Redis already running (pid $(cat "$pidf"), $REDIS_URL)"
  if [[ $IPASN_INSECURE != 1 ]]; then
    cli ACL LOAD 2>&1 | grep -q '^OK$' \
      || die "the running Redis does not accept the generated users (started insecure, or before the secrets): stop it (npm run down) and start again"
  fi
else
  if port_open "$REDIS_PORT"; then die "port $REDIS_PORT is taken by a process that is not ours: stop it or set REDIS_PORT"; fi
  redis-server "$IPASN_ROOT/infra/redis/redis.conf" "${acl[@]}" \
    --port "$REDIS_PORT" --dir "$dir" --pidfile "$pidf" --logfile "$dir/redis.log" --daemonize yes \
    || die "redis-server failed to start (log: $dir/redis.log)"
fi
for ((i = 0; i < 100; i++)); do
  if ping; then log "Redis ready on $REDIS_URL ($([[ $IPASN_INSECURE == 1 ]] && echo 'INSECURE: no users' || echo 'ACL users from the secrets'))"; exit 0; fi
  sleep 0.1
done
tail -20 "$dir/redis.log" >&2 || true
die "Redis not ready after 10 s (log: $dir/redis.log)"
