#!/usr/bin/env bash
# Starts the project's own Redis (not the machine's on 6379) with the settings the system needs:
# noeviction (BullMQ requires it), AOF on (the demo keeps its state across restarts).
# Idempotent. Also applies the ACL users of users.acl (the console's read-only user), on a fresh
# start and to a Redis that was already running.
source "$(dirname "$0")/../scripts/lib.sh"
dir="$IPASN_STATE_DIR/redis"; pidf="$dir/redis.pid"
mkdir -p "$dir"
if ! command -v redis-server >/dev/null; then
  log "redis-server not found: installing Debian's redis-server package"
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && apt-get install -y -qq redis-server >&2
  else sudo apt-get update -qq && sudo apt-get install -y -qq redis-server >&2; fi
  command -v redis-server >/dev/null || die "could not install redis-server"
fi
ping() { redis-cli -p "$REDIS_PORT" --no-auth-warning ping 2>/dev/null | grep -q PONG; }
if pid_alive "$pidf"; then
  log "Redis already running (pid $(cat "$pidf"), $REDIS_URL)"
else
  if port_open "$REDIS_PORT"; then die "port $REDIS_PORT is taken by a process that is not ours: stop it or set REDIS_PORT"; fi
  redis-server "$IPASN_ROOT/infra/redis/redis.conf" \
    --port "$REDIS_PORT" --dir "$dir" --pidfile "$pidf" --logfile "$dir/redis.log" --daemonize yes \
    || die "redis-server failed to start (log: $dir/redis.log)"
fi
# ACL SETUSER <name> reset <rules…> for every `user` line but `default` (left as Redis starts it):
# `reset` first makes a re-run replace the user's rules instead of adding to them.
apply_acl() {
  local kw name rules
  while read -r kw name rules; do
    [[ $kw == user && $name != default ]] || continue
    # shellcheck disable=SC2086 # the rules are separate arguments
    redis-cli -p "$REDIS_PORT" --no-auth-warning ACL SETUSER "$name" reset $rules | grep -q '^OK$' \
      || die "could not apply the ACL user $name of infra/redis/users.acl"
  done < <(grep -E '^user ' "$IPASN_ROOT/infra/redis/users.acl")
}
for ((i = 0; i < 100; i++)); do
  if ping; then apply_acl; log "Redis ready on $REDIS_URL (ACL users applied)"; exit 0; fi
  sleep 0.1
done
tail -20 "$dir/redis.log" >&2 || true
die "Redis not ready after 10 s (log: $dir/redis.log)"
