#!/usr/bin/env bash
# Cluster mode's infrastructure (`npm run up -- --cluster`, IPASN_CLUSTER=1; docs/scaling.md):
# three KRaft nodes, Redis primary + replica + three Sentinels, then the topics and ACLs (replication
# factor and min.insync.replicas from the brokers' defaults, env.sh). Idempotent.
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/env.sh"
"$(dirname "$0")/kafka.sh" start 1 2 3 || die "the Kafka cluster failed to start (logs: $IPASN_CLUSTER_DIR/kafka-*/logs)"
"$(dirname "$0")/redis.sh" start || die "Redis with Sentinel failed to start (logs: $IPASN_CLUSTER_DIR/redis-*, sentinel-*)"
(as_principal admin admin && node "$IPASN_ROOT/packages/kafka/dist/bin/apply-topics.js") || die "applying infra/topics/topics.json and acls.json failed"
