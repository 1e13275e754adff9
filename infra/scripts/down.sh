#!/usr/bin/env bash
# `npm run down`: stops every service (reverse start order), then Redis, then Kafka
# (and cluster mode's, infra/cluster/down.sh). Idempotent.
source "$(dirname "$0")/lib.sh"
run="$IPASN_STATE_DIR/run"
# Every instance: <svc>.pid, and <svc>-<n>.pid when up.sh ran several (IPASN_INSTANCES).
for svc in $(services_in_start_order | tac); do
  for pidf in "$run/$svc.pid" "$run/$svc"-[0-9]*.pid; do
    [[ -e $pidf ]] || continue
    inst=$(basename "$pidf" .pid)
    stop_pid "$inst" "$pidf" 30
  done
done
"$IPASN_ROOT/infra/redis/stop.sh"
"$IPASN_ROOT/infra/kafka/stop.sh"
# Cluster mode's Sentinels, Redis nodes and KRaft nodes, when it was ever started here.
[[ -d $IPASN_STATE_DIR/cluster ]] && "$IPASN_ROOT/infra/cluster/down.sh"
exit 0
