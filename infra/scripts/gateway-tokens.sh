#!/usr/bin/env bash
# The agencies' API tokens for services/gateway (docs/security.md, "Gateway API tokens"), issued and
# revoked with the agency's other credentials:
#
#   gateway-tokens.sh issue CODE        a new token for agency CODE, written to
#                                       $IPASN_SECRETS_DIR/gateway/tokens/agency-CODE.token (0600)
#                                       to hand over; the agency's older tokens keep working until
#                                       revoked (overlap for a rotation)
#   gateway-tokens.sh revoke CODE [ID]  revokes one token (ID, the 8 hex after the code) or all of
#                                       the agency's tokens; refused at the gateway within a second
#   gateway-tokens.sh list              agency, id, issued, revoked (never a token or a hash)
#   gateway-tokens.sh ensure            a token for every agency of the list in force that never had one
#                                       (secrets.sh runs it; a revoked agency is not re-issued)
#
# A token is `ipasn_<code>_<id>_<48 hex>` (192 random bits). The gateway never sees tokens: it reads
# $IPASN_SECRETS_DIR/gateway/tokens.db (GATEWAY_TOKENS_FILE), one line per token:
#   <code> <id> <sha256 of the token> <issued ISO> <revoked ISO or ->
# and re-reads it when it changes (no restart). SHA-256, not scrypt: the tokens are random, so
# there is no dictionary to slow down, and a slow hash on every request would cost a core.
source "$(dirname "$0")/lib.sh"
umask 077
dir="$IPASN_SECRETS_DIR/gateway"
db="$dir/tokens.db"
mkdir -p "$dir/tokens"
chmod 700 "$dir" "$dir/tokens"
[[ -f $db ]] || printf '# agency id sha256 issued revoked (written by infra/scripts/gateway-tokens.sh)\n' >"$db"

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
check_code() { [[ ${1:-} =~ ^[0-9A-Z]{4}$ ]] || die "an agency code is 4 letters or digits (got '${1:-}')"; }

# replace_db FILE: atomically installs FILE as the new database (the gateway never reads half a file).
replace_db() { chmod 600 "$1" && mv -f "$1" "$db"; }

issue() {
  local code=$1 id secret token hash tmp
  check_code "$code"
  id=$(openssl rand -hex 4)
  secret=$(openssl rand -hex 24)
  token="ipasn_${code}_${id}_${secret}"
  hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
  tmp=$(mktemp "$dir/.tokens.XXXXXX")
  cat "$db" >"$tmp"
  printf '%s %s %s %s -\n' "$code" "$id" "$hash" "$(now)" >>"$tmp"
  printf '%s\n' "$token" >"$dir/tokens/agency-$code.token.new"
  chmod 600 "$dir/tokens/agency-$code.token.new"
  replace_db "$tmp"
  mv -f "$dir/tokens/agency-$code.token.new" "$dir/tokens/agency-$code.token"
  log "gateway token $id issued for agency $code: $dir/tokens/agency-$code.token (hand it over on a secure channel)"
}

revoke() {
  local code=$1 id=${2:-} tmp n file current
  check_code "$code"
  [[ -z $id || $id =~ ^[0-9a-f]{8}$ ]] || die "a token id is 8 hex digits (gateway-tokens.sh list shows them)"
  tmp=$(mktemp "$dir/.tokens.XXXXXX")
  n=$(awk -v c="$code" -v i="$id" -v t="$(now)" -v out="$tmp" '
    /^#/ || NF < 5 { print > out; next }
    $1 == c && (i == "" || $2 == i) && $5 == "-" { $5 = t; n++ }
    { print > out }
    END { print n + 0 }' "$db")
  [[ $n -gt 0 ]] || { rm -f "$tmp"; die "agency $code has no active token${id:+ $id}"; }
  replace_db "$tmp"
  # The handed-over copy goes too when its token is among the revoked ones.
  file="$dir/tokens/agency-$code.token"
  if [[ -f $file ]]; then
    current=$(cut -d_ -f3 <"$file")
    [[ -n $id && $current != "$id" ]] || rm -f "$file"
  fi
  log "revoked $n gateway token(s) of agency $code"
}

list() {
  awk 'BEGIN { printf "%-6s %-9s %-21s %s\n", "agency", "id", "issued", "revoked" }
       /^#/ || NF < 5 { next } { printf "%-6s %-9s %-21s %s\n", $1, $2, $4, $5 }' "$db"
}

ensure() {
  local file="${IPASN_AGENCIES_FILE:-$IPASN_ROOT/packages/contracts/src/data/agencies.json}" code
  while read -r code; do
    awk -v c="$code" '!/^#/ && $1 == c { found = 1 } END { exit found ? 0 : 1 }' "$db" || issue "$code" 2>/dev/null
  done < <(node -e 'for (const a of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).agencies) console.log(a.code)' "$file" || die "cannot read the agency list $file")
}

case "${1:-}" in
  issue) issue "${2:-}" ;;
  revoke) revoke "${2:-}" "${3:-}" ;;
  list) list ;;
  ensure) ensure ;;
  *) die "usage: gateway-tokens.sh issue CODE | revoke CODE [ID] | list | ensure" ;;
esac
