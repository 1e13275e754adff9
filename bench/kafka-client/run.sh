#!/usr/bin/env bash
# kafkajs vs @platformatic/kafka: consume and transactional consume-transform-produce rates against
# one broker, same data, one run (docs/decisions/kafka-client.md). Standalone npm project: its own
# package-lock.json, not a workspace of the root. Settings: see the header of src/bench.ts.
#
#   KAFKA_BROKERS=127.0.0.1:19092 bash bench/kafka-client/run.sh
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"

# Node >= 24: type stripping runs src/*.ts directly, and @platformatic/kafka needs >= 22.22/24.6.
# When the machine's node is older, take the PATH of the project's own Node 24 from the infra
# library (it installs the pinned binary into the cache once), and nothing else of its settings.
node_ok() { node -e 'process.exit(+process.versions.node.split(".")[0] >= 24 ? 0 : 1)' 2>/dev/null; }
if ! node_ok && [[ -f "$root/infra/scripts/lib.sh" ]]; then
  PATH="$(bash -c 'source "$1" >/dev/null && printf %s "$PATH"' _ "$root/infra/scripts/lib.sh")"
fi
node_ok || { echo "run.sh: needs Node >= 24 (found $(node --version 2>/dev/null || echo none))" >&2; exit 1; }

# Dependencies once (and again when the lock file changed): exactly what package-lock.json pins.
if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:19092}"
# kafkajs's v2 partitioner notice is not a finding.
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node src/bench.ts
