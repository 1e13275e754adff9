#!/usr/bin/env bash
# redis.sh start | stop | node ID | sentinel ID : cluster mode's Redis (docs/scaling.md) — node 1
# starts as the primary, node 2 as its replica, three Sentinels watch them (quorum 2) and promote
# the replica when the primary is down for IPASN_CLUSTER_SENTINEL_DOWN_MS (default 3000).
# Security as the single Redis's: the ACL users of infra/redis/users.acl, plus two for the cluster
# itself — `replication` (the replica's `masteruser`) and `sentinel` (what the Sentinels log into the
# data nodes as, `sentinel auth-user`) — and a password on the Sentinels themselves (`requirepass`,
# `sentinel sentinel-pass` between them; clients: REDIS_SENTINEL_PASSWORD_FILE). Passwords are
# generated once into $IPASN_SECRETS_DIR/redis. Configs are written once: Sentinel rewrites its own
# and the data nodes' (CONFIG REWRITE) at a failover, so a restart keeps the roles as they are.
# Sentinel is Debian's redis-server in sentinel mode (`redis-server FILE --sentinel`, what the
# `redis-sentinel` package's binary is a link to).
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/env.sh"
s="$IPASN_SECRETS_DIR/redis"
acl="$s/cluster-users.acl"

secrets() {
  "$IPASN_ROOT/infra/scripts/secrets.sh"
  umask 077
  local u
  for u in replication sentinel sentinel-mon; do [[ -s $s/$u.password ]] || openssl rand -hex 24 >"$s/$u.password"; done
  hash() { tr -d '\n' <"$s/$1.password" | sha256sum | cut -d' ' -f1; }
  {
    cat "$s/users.acl"
    # What a replica needs from its primary, and Sentinel from a data node (redis.io, Sentinel: ACL).
    echo "user replication on #$(hash replication) +psync +replconf +ping"
    echo "user sentinel on #$(hash sentinel-mon) allchannels +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill"
  } >"$acl"
}

node() {
  local id=$1 dir port
  dir="$IPASN_CLUSTER_DIR/redis-$id"; port=$(cluster_redis_port "$id"); mkdir -p "$dir"
  if pid_alive "$dir/redis.pid"; then log "redis-$id already running (pid $(cat "$dir/redis.pid"))"; return 0; fi
  port_open "$port" && die "port $port is taken by a process that is not ours: stop it or set IPASN_CLUSTER_REDIS_PORT"
  if [[ ! -s $dir/redis.conf ]]; then
    umask 077
    {
      cat "$IPASN_ROOT/infra/redis/redis.conf"
      printf '\n# cluster mode (infra/cluster/redis.sh)\nport %s\ndir %s\npidfile %s\nlogfile %s\naclfile %s\n' "$port" "$dir" "$dir/redis.pid" "$dir/redis.log" "$acl"
      printf 'masteruser replication\nmasterauth %s\n' "$(cat "$s/replication.password")"
      [[ $id == 1 ]] || printf 'replicaof 127.0.0.1 %s\n' "$(cluster_redis_port 1)"
    } >"$dir/redis.conf"
  fi
  redis-server "$dir/redis.conf" --daemonize yes || die "redis-$id failed to start (log: $dir/redis.log)"
  for ((i = 0; i < 100; i++)); do
    REDISCLI_AUTH="$(cat "$s/admin.password")" redis-cli -p "$port" --user admin ping 2>/dev/null | grep -q PONG && { log "redis-$id ready on 127.0.0.1:$port"; return 0; }
    sleep 0.1
  done
  tail -20 "$dir/redis.log" >&2; die "redis-$id not ready after 10 s (log: $dir/redis.log)"
}

sentinel() {
  local id=$1 dir port
  dir="$IPASN_CLUSTER_DIR/sentinel-$id"; port=$(cluster_sentinel_port "$id"); mkdir -p "$dir"
  if pid_alive "$dir/sentinel.pid"; then log "sentinel-$id already running (pid $(cat "$dir/sentinel.pid"))"; return 0; fi
  port_open "$port" && die "port $port is taken by a process that is not ours: stop it or set IPASN_CLUSTER_SENTINEL_PORT"
  if [[ ! -s $dir/sentinel.conf ]]; then
    umask 077
    local n=$IPASN_CLUSTER_SENTINEL_NAME
    cat >"$dir/sentinel.conf" <<CONF
# Sentinel $id of cluster mode (infra/cluster/redis.sh); Sentinel rewrites this file itself.
port $port
bind 127.0.0.1
daemonize yes
pidfile $dir/sentinel.pid
logfile $dir/sentinel.log
dir $dir
requirepass $(cat "$s/sentinel.password")
sentinel sentinel-pass $(cat "$s/sentinel.password")
sentinel monitor $n 127.0.0.1 $(cluster_redis_port 1) 2
sentinel auth-user $n sentinel
sentinel auth-pass $n $(cat "$s/sentinel-mon.password")
sentinel down-after-milliseconds $n ${IPASN_CLUSTER_SENTINEL_DOWN_MS:-3000}
sentinel failover-timeout $n 15000
sentinel parallel-syncs $n 1
CONF
  fi
  redis-server "$dir/sentinel.conf" --sentinel || die "sentinel-$id failed to start (log: $dir/sentinel.log)"
  for ((i = 0; i < 100; i++)); do
    REDISCLI_AUTH="$(cat "$s/sentinel.password")" redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { log "sentinel-$id ready on 127.0.0.1:$port"; return 0; }
    sleep 0.1
  done
  tail -20 "$dir/sentinel.log" >&2; die "sentinel-$id not ready after 10 s (log: $dir/sentinel.log)"
}

case ${1:?usage: redis.sh start|stop|node ID|sentinel ID} in
  start)
    command -v redis-server >/dev/null || "$IPASN_ROOT/infra/scripts/ensure-debian.sh" redis "command -v redis-server" redis-server
    secrets
    node 1; node 2
    for id in 1 2 3; do sentinel "$id"; done
    master=$(REDISCLI_AUTH="$(cat "$s/sentinel.password")" redis-cli -p "$(cluster_sentinel_port 1)" sentinel get-master-addr-by-name "$IPASN_CLUSTER_SENTINEL_NAME" | paste -sd: -)
    log "Redis through Sentinel: primary $master, Sentinels $REDIS_SENTINELS (name $IPASN_CLUSTER_SENTINEL_NAME)" ;;
  node) secrets; node "${2:?node ID}" ;;
  sentinel) sentinel "${2:?sentinel ID}" ;;
  stop)
    # The Sentinels first, so that stopping the primary does not start a failover.
    for id in 1 2 3; do stop_pid "sentinel-$id" "$IPASN_CLUSTER_DIR/sentinel-$id/sentinel.pid" 10; done
    for id in 2 1; do stop_pid "redis-$id" "$IPASN_CLUSTER_DIR/redis-$id/redis.pid" 20; done ;;
  *) die "usage: redis.sh start|stop|node ID|sentinel ID" ;;
esac
