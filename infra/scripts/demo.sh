#!/usr/bin/env bash
# The README's main command (`npm run demo`): installs and builds what is needed, brings the system
# up (Kafka, Redis, topics, every built service) and runs the demo of the 11 pilot agencies.
source "$(dirname "$0")/lib.sh"
"$(dirname "$0")/up.sh"
cd "$IPASN_ROOT"
node infra/scripts/smoke.mjs
ipasn() { node "$IPASN_ROOT/packages/cli/dist/bin/ipasn.js" "$@"; }
if [[ -f packages/cli/dist/bin/ipasn.js ]]; then
  demo="$IPASN_STATE_DIR/demo"; mkdir -p "$demo"
  asof="${SCORING_AS_OF:-$(TZ=Asia/Jakarta date +%F)}"
  log "generating a demo stream of the 11 pilot agencies ($demo/pilot.ndjson)"
  ipasn generate --seed 2024 --employees "${DEMO_EMPLOYEES:-5000}" --out "$demo/pilot.ndjson" --summary "$demo/summary.json" --now "${asof}T23:00:00+07:00" --as-of "$asof"
  log "agency indices as of $asof (offline scorer, both rule sets):"
  ipasn score --as-of "$asof" --now "${asof}T23:59:00+07:00" --rules all --by-agency "$demo/pilot.ndjson" 2>"$demo/rejects.ndjson" \
    | node -e '
      const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
      for (const a of lines) console.log(`  ${a.agencyCode}  ${a.rules.padEnd(17)} n=${String(a.headcount.total).padStart(5)}  PNS ${a.index.PNS ?? "-"}  PPPK ${a.index.PPPK ?? "-"}  ASN ${a.index.ASN}`);'
  log "$(wc -l <"$demo/rejects.ndjson") rejects written to $demo/rejects.ndjson"
fi
log "demo done. Stop everything with: npm run down"
