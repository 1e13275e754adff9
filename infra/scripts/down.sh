#!/usr/bin/env bash
# `npm run down`: stops every service (reverse start order), then Redis, then Kafka
# (and cluster mode's, infra/cluster/down.sh). Idempotent.
source "$(dirname "$0")/lib.sh"
run="$IPASN_STATE_DIR/run"
for svc in $(services_in_start_order | tac); do stop_pid "$svc" "$run/$svc.pid" 30; done
"$IPASN_ROOT/infra/redis/stop.sh"
"$IPASN_ROOT/infra/kafka/stop.sh"
# Cluster mode's Sentinels, Redis nodes and KRaft nodes, when it was ever started here.
[[ -d $IPASN_STATE_DIR/cluster ]] && "$IPASN_ROOT/infra/cluster/down.sh"
exit 0
