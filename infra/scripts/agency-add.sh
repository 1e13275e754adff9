#!/usr/bin/env bash
# `npm run agency:add -- CODE`: onboards an agency in one step (docs/security.md, "Onboarding an
# agency"): its SCRAM principal agency-CODE with a generated password, its ingress topic
# ipasn.ingress.CODE and the ACL that lets it write only that topic, and its API token for the
# HTTP gateway (docs/gateway.md; issued again if every earlier one was revoked). The agency must be in the
# agency list in force (IPASN_AGENCIES_FILE, or the shipped list): the list is what the normalizer
# accepts. Prints where the agency's credentials are, to hand over over a secure channel.
source "$(dirname "$0")/lib.sh"
code="${1:-}"
[[ $code =~ ^[0-9A-Z]{4}$ ]] || die "usage: agency-add.sh CODE (a 4-character BKN agency code)"
[[ $IPASN_INSECURE != 1 ]] || die "agency credentials do not exist in the insecure mode"
file="${IPASN_AGENCIES_FILE:-$IPASN_ROOT/packages/contracts/src/data/agencies.json}"
node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).agencies.some((a) => a.code === process.argv[2]) ? 0 : 1)' "$file" "$code" \
  || die "agency $code is not in the agency list $file: add it there first (IPASN_AGENCIES_FILE), then run this again"
"$IPASN_ROOT/infra/scripts/secrets.sh"
pid_alive "$IPASN_STATE_DIR/kafka/kafka.pid" || die "Kafka is not running: npm run up first"
"$IPASN_ROOT/infra/kafka/scram-users.sh" "agency-$code"
"$IPASN_ROOT/infra/scripts/topics.sh"
tokens_db="$IPASN_SECRETS_DIR/gateway/tokens.db"
awk -v c="$code" '!/^#/ && $1 == c && $5 == "-" { found = 1 } END { exit found ? 0 : 1 }' "$tokens_db" 2>/dev/null \
  || "$IPASN_ROOT/infra/scripts/gateway-tokens.sh" issue "$code"
log "agency $code onboarded: principal agency-$code, password in $IPASN_SECRETS_DIR/kafka/users/agency-$code.password, CA in $IPASN_SECRETS_DIR/kafka/ca.pem; it may write only ${IPASN_TOPIC_PREFIX:-}ipasn.ingress.$code. HTTP gateway token: $IPASN_SECRETS_DIR/gateway/tokens/agency-$code.token"
