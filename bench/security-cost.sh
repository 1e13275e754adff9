#!/usr/bin/env bash
# What security costs (issue 20): the normalizer's own benchmark (services/normalizer/src/bench.ts:
# produce, consume, a consume → produce pipe, then the normalizer draining a generated backlog)
# against two brokers started side by side in this run — the default one (SASL_SSL with
# SCRAM-SHA-512, ACLs, Redis ACL users) and an insecure one (IPASN_INSECURE=1: PLAINTEXT, no ACLs,
# no Redis users) — in alternating rounds, so both see the same machine. Prints every round and the
# medians, and the ratios insecure ÷ secure. Never a test: figures only.
#
#   bash bench/security-cost.sh            # 100,000 events, 3 rounds per mode
#   BENCH_EVENTS=200000 BENCH_ROUNDS=5 bash bench/security-cost.sh
#
# Its brokers and Redis use their own ports and state (under .local/bench-*), and are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/scripts/lib.sh
ensure_node
EVENTS=${BENCH_EVENTS:-100000}
ROUNDS=${BENCH_ROUNDS:-3}
BASE_PORT=${BENCH_BASE_PORT:-19400}
out="$IPASN_STATE_DIR/bench-security"
mkdir -p "$out"

# mode_env MODE: the environment of one side (its own state dir, ports and credentials).
mode_env() {
  local mode=$1 off=0
  [[ $mode == insecure ]] && off=100
  local k=$((BASE_PORT + off)) r=$((BASE_PORT + off + 10))
  printf 'export IPASN_STATE_DIR=%q IPASN_SECRETS_DIR=%q KAFKA_PORT=%s KAFKA_CONTROLLER_PORT=%s KAFKA_BROKERS=127.0.0.1:%s REDIS_PORT=%s REDIS_URL=redis://127.0.0.1:%s IPASN_INSECURE=%s\n' \
    "$IPASN_STATE_DIR/bench-$mode" "$IPASN_STATE_DIR/bench-$mode/secrets" "$k" "$((k + 1))" "$k" "$r" "$r" "$([[ $mode == insecure ]] && echo 1 || echo 0)"
}

in_mode() { # in_mode MODE COMMAND...: runs COMMAND in a subshell with MODE's environment
  local mode=$1
  shift
  (
    eval "$(mode_env "$mode")"
    source infra/scripts/lib.sh
    set +u
    as_principal admin admin
    "$@"
  )
}

stop_all() {
  for mode in secure insecure; do in_mode "$mode" bash infra/scripts/down.sh >/dev/null 2>&1 || true; done
}
trap stop_all EXIT

[[ -f services/normalizer/dist/bench.js ]] || npx turbo run build --filter=@ipasn/normalizer >/dev/null
for mode in secure insecure; do
  log "starting the $mode broker and Redis"
  in_mode "$mode" bash infra/scripts/infra-up.sh >"$out/$mode-infra.log" 2>&1 || { cat "$out/$mode-infra.log" >&2; die "$mode infra failed"; }
done

# field FILE PATTERN: the msg/s (steady) column of the table row starting with PATTERN.
field() { awk -F'|' -v p="$2" 'index($2, p) == 2 { gsub(/[ ,]/, "", $5); print $5 }' "$1"; }

results="$out/results.tsv"
printf 'round\tmode\tproduce\tconsume\tpipe\tnormalizer\n' >"$results"
for ((round = 1; round <= ROUNDS; round++)); do
  # Alternate which side goes first, so a drift in the machine's load favours neither.
  order=(secure insecure)
  ((round % 2 == 0)) && order=(insecure secure)
  for mode in "${order[@]}"; do
    log "round $round/$ROUNDS: $mode ($EVENTS events)"
    file="$out/round-$round-$mode.txt"
    in_mode "$mode" node services/normalizer/dist/bench.js --events "$EVENTS" >"$file" 2>"$file.err" || { cat "$file" "$file.err" >&2; die "the $mode bench failed"; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$mode" "$(field "$file" 'produce')" "$(field "$file" 'consume only')" "$(field "$file" 'baseline pipe')" "$(field "$file" 'normalizer')" >>"$results"
  done
done

node --input-type=module - "$results" <<'EOF'
import { readFileSync } from 'node:fs';
const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
const cols = ['produce', 'consume', 'pipe', 'normalizer'];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log('\n| round | mode | produce msg/s | consume msg/s | pipe msg/s | normalizer events/s |\n|---:|---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r[0]} | ${r[1]} | ${r.slice(2).map((x) => fmt(Number(x))).join(' | ')} |`);
const med = (mode) => cols.map((_, i) => median(rows.filter((r) => r[1] === mode).map((r) => Number(r[i + 2]))));
const s = med('secure'), u = med('insecure');
console.log(`\nmedians over ${rows.length / 2} rounds (secure = SASL_SSL + SCRAM-SHA-512 + ACLs + Redis users; insecure = PLAINTEXT):`);
console.log('| stage | secure | insecure | secure ÷ insecure |\n|---|---:|---:|---:|');
cols.forEach((c, i) => console.log(`| ${c} | ${fmt(s[i])} | ${fmt(u[i])} | ${(s[i] / u[i]).toFixed(2)} |`));
EOF
