#!/usr/bin/env bash
# Stops cluster mode's infrastructure (Sentinels, Redis nodes, the three KRaft nodes). Idempotent.
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/env.sh"
"$(dirname "$0")/redis.sh" stop
"$(dirname "$0")/kafka.sh" stop 1 2 3
