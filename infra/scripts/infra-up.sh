#!/usr/bin/env bash
# Starts Kafka and Redis (idempotent) and applies the topic list and its ACLs, as the admin
# principal. Names what failed.
source "$(dirname "$0")/lib.sh"
"$IPASN_ROOT/infra/kafka/start.sh" || die "Kafka failed to start (npm run kafka:logs shows its log)"
"$IPASN_ROOT/infra/redis/start.sh" || die "Redis failed to start (log: $IPASN_STATE_DIR/redis/redis.log)"
(as_principal admin admin && node "$IPASN_ROOT/packages/kafka/dist/bin/apply-topics.js") || die "applying infra/topics/topics.json and acls.json failed"
