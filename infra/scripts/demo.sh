#!/usr/bin/env bash
# The README's main command (`npm run demo`): installs and builds what is needed, brings the whole
# system up (Kafka, Redis, topics, normalizer, scorer, projector, console, gateway) and streams a
# generated demo of the 11 pilot agencies into their ingress topics — most agencies' events over
# Kafka, two agencies' (DEMO_GATEWAY_AGENCIES) through the HTTP gateway, as a PHP application
# would send them; the console fills in as it flows.
# Everything keeps running afterwards: `npm run down` stops it.
source "$(dirname "$0")/lib.sh"
"$(dirname "$0")/up.sh"
cd "$IPASN_ROOT"
(as_principal admin admin && node infra/scripts/smoke.mjs)
ipasn() { node "$IPASN_ROOT/packages/cli/dist/bin/ipasn.js" "$@"; }
demo="$IPASN_STATE_DIR/demo"; mkdir -p "$demo"
asof="${SCORING_AS_OF:-$(TZ=Asia/Jakarta date +%F)}"
seed="${DEMO_SEED:-$(date +%s)}"
console_url="http://${CONSOLE_HOST:-127.0.0.1}:$(cat "$IPASN_STATE_DIR/run/console.port" 2>/dev/null || echo "${CONSOLE_PORT:-8080}")"
log "console: $console_url  (API docs: $console_url/docs); sign in as operator with the password in $IPASN_SECRETS_DIR/console/operator.password"
# The demo reads the API with a viewer token (Authorization: Bearer), like any script would.
export IPASN_CONSOLE_TOKEN; IPASN_CONSOLE_TOKEN="$(cat "$IPASN_SECRETS_DIR/console/scripts.token")"
log "generating a demo stream of the 11 pilot agencies: ${DEMO_EMPLOYEES:-3000} employees, seed $seed, as of $asof"
ipasn generate --seed "$seed" --employees "${DEMO_EMPLOYEES:-3000}" --as-of "$asof" --out "$demo/pilot.ndjson" --summary "$demo/summary.json" --quiet
# Part of the stream goes through the HTTP gateway: every event whose source is one of these
# agencies (none in the insecure mode, which has no gateway).
gateway_agencies="${DEMO_GATEWAY_AGENCIES-6406 6973}"
[[ $IPASN_INSECURE == 1 || ! -s $IPASN_STATE_DIR/run/gateway-api.port ]] && gateway_agencies=""
node -e '
  const fs = require("fs");
  const [file, kafkaOut, gatewayOut, codes] = process.argv.slice(1);
  const through = new Set(codes.split(/\s+/).filter(Boolean).map((c) => `/agencies/${c}`));
  const k = [], g = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    let source; try { source = JSON.parse(line).source; } catch {}
    (through.has(source) ? g : k).push(line);
  }
  fs.writeFileSync(kafkaOut, k.join("\n") + "\n"); fs.writeFileSync(gatewayOut, g.length ? g.join("\n") + "\n" : "");
' "$demo/pilot.ndjson" "$demo/via-kafka.ndjson" "$demo/via-gateway.ndjson" "$gateway_agencies"
log "publishing it to the ingress topics (invalid events too, so the DLQ view has some)"
# One producer per agency, each logged in as that agency (it may write only its own topic).
creds=(); [[ $IPASN_INSECURE == 1 ]] || creds=(--credentials "$IPASN_SECRETS_DIR/kafka/users")
[[ $IPASN_INSECURE == 1 ]] || export KAFKA_SSL_CA_FILE="$IPASN_SECRETS_DIR/kafka/ca.pem"
ipasn publish "${creds[@]}" --send-invalid --quiet "$demo/via-kafka.ndjson" >"$demo/publish.txt" 2>"$demo/publish-rejects.ndjson" || die "ipasn publish failed (see $demo/publish.txt)"
tail -n 20 "$demo/publish.txt" >&2
if [[ -s $demo/via-gateway.ndjson ]]; then
  gateway_url="https://127.0.0.1:$(cat "$IPASN_STATE_DIR/run/gateway-api.port")"
  log "agencies $gateway_agencies through the HTTP gateway ($gateway_url, each with its API token; the gateway answers rejects at once and stores them for the DLQ, as over Kafka)"
  ipasn publish --http "$gateway_url" --credentials "$IPASN_SECRETS_DIR/gateway/tokens" --ca "$IPASN_SECRETS_DIR/kafka/ca.pem" --send-invalid --quiet "$demo/via-gateway.ndjson" \
    >"$demo/publish-gateway.txt" 2>"$demo/publish-gateway-rejects.ndjson" || die "ipasn publish --http failed (see $demo/publish-gateway.txt and $demo/publish-gateway-rejects.ndjson)"
  tail -n 20 "$demo/publish-gateway.txt" >&2
fi
# Follow the console until every published event has been normalized, scored and projected.
for ((i = 0; i < 300; i++)); do
  if node -e '
    const url = process.argv[1];
    const r = await fetch(url + "/api/freshness", { headers: { authorization: `Bearer ${process.env.IPASN_CONSOLE_TOKEN}` } }).then((x) => x.json());
    const groups = r.lag?.groups ?? [];
    const lag = groups.reduce((s, g) => s + g.totalLag, 0);
    process.exit(groups.length === 3 && lag === 0 ? 0 : 1);' --input-type=module "$console_url" 2>/dev/null; then break; fi
  sleep 2
done
log "agencies now (primary rule set):"
node --input-type=module -e '
  const { asOf, agencies } = await fetch(process.argv[1] + "/api/agencies", { headers: { authorization: `Bearer ${process.env.IPASN_CONSOLE_TOKEN}` } }).then((x) => x.json());
  console.log(`  as of ${asOf}`);
  for (const a of agencies) console.log(`  ${a.code}  ${String(a.name ?? "").padEnd(42).slice(0, 42)} ${a.rules.padEnd(17)} n=${String(a.headcount.total).padStart(5)}  ASN ${a.index.ASN ?? "-"}  (${a.shadow.rules}: ${a.shadow.index.ASN ?? "-"})${a.freshness?.stale ? "  STALE" : ""}`);
' "$console_url" || true
log "demo streamed. Console: $console_url — user operator, password: $(cat "$IPASN_SECRETS_DIR/console/operator.password") (also in $IPASN_SECRETS_DIR/console/operator.password) — stop everything with: npm run down"
