# Cluster mode's settings (docs/scaling.md). Sourced after infra/scripts/lib.sh, never run.
# Three KRaft nodes (combined broker + controller) and Redis as a primary, a replica and three
# Sentinels, all on 127.0.0.1 under $IPASN_STATE_DIR/cluster. Ports derive from three variables whose
# defaults collide neither with the single node (19092/19093, 16379) nor with the chaos run (+100):
#   IPASN_CLUSTER_KAFKA_PORT     node i: broker BASE+2(i-1), controller BASE+2(i-1)+1 (default 29092 → 29092/94/96)
#   IPASN_CLUSTER_REDIS_PORT     Redis node i: BASE+i-1 (default 26380 → 26380, 26381; 26379 is Sentinel's well-known port)
#   IPASN_CLUSTER_SENTINEL_PORT  Sentinel i: BASE+i-1 (default 26390 → 26390/91/92; +100 stays clear of the Redis ports)
# What it exports reaches every service `npm run up -- --cluster` starts: KAFKA_BROKERS (all three),
# REDIS_SENTINELS + REDIS_SENTINEL_NAME + REDIS_SENTINEL_PASSWORD_FILE (clients ask the Sentinels
# for the primary), REDIS_URL (the first primary, for tools that do not speak Sentinel).
[[ $IPASN_INSECURE == 1 ]] && die "cluster mode runs with security on: unset IPASN_INSECURE"
export IPASN_CLUSTER_DIR="$IPASN_STATE_DIR/cluster"
export IPASN_CLUSTER_KAFKA_PORT="${IPASN_CLUSTER_KAFKA_PORT:-29092}"
export IPASN_CLUSTER_REDIS_PORT="${IPASN_CLUSTER_REDIS_PORT:-26380}"
export IPASN_CLUSTER_SENTINEL_PORT="${IPASN_CLUSTER_SENTINEL_PORT:-26390}"
# Heap per broker. 3 × 512 MB at most: the brokers' data lives in the page cache, not the heap, and
# at this load (< 20 MB/s) a broker's heap stays under 300 MB; what this 2-core machine lacks is
# CPU, not memory (24 GB), so the heaps are small and fixed-cost threads are cut (server.properties).
export IPASN_CLUSTER_KAFKA_HEAP="${IPASN_CLUSTER_KAFKA_HEAP:--Xms256m -Xmx512m}"
# Replication (docs/scaling.md): the topics' default replication factor and min.insync.replicas,
# the same for the offsets and transaction state topics.
export IPASN_CLUSTER_REPLICATION_FACTOR="${IPASN_CLUSTER_REPLICATION_FACTOR:-3}"
export IPASN_CLUSTER_MIN_INSYNC="${IPASN_CLUSTER_MIN_INSYNC:-2}"
export IPASN_CLUSTER_SENTINEL_NAME="${IPASN_CLUSTER_SENTINEL_NAME:-ipasn}"

cluster_broker_port() { echo $((IPASN_CLUSTER_KAFKA_PORT + 2 * ($1 - 1))); }
cluster_controller_port() { echo $((IPASN_CLUSTER_KAFKA_PORT + 2 * ($1 - 1) + 1)); }
cluster_redis_port() { echo $((IPASN_CLUSTER_REDIS_PORT + $1 - 1)); }
cluster_sentinel_port() { echo $((IPASN_CLUSTER_SENTINEL_PORT + $1 - 1)); }

export KAFKA_BROKERS="127.0.0.1:$(cluster_broker_port 1),127.0.0.1:$(cluster_broker_port 2),127.0.0.1:$(cluster_broker_port 3)"
export REDIS_URL="redis://127.0.0.1:$(cluster_redis_port 1)"
export REDIS_SENTINELS="127.0.0.1:$(cluster_sentinel_port 1),127.0.0.1:$(cluster_sentinel_port 2),127.0.0.1:$(cluster_sentinel_port 3)"
export REDIS_SENTINEL_NAME="$IPASN_CLUSTER_SENTINEL_NAME"
export REDIS_SENTINEL_PASSWORD_FILE="$IPASN_SECRETS_DIR/redis/sentinel.password"
