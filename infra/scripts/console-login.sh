#!/usr/bin/env bash
# The console's accounts, generated once (docs/security.md): an `operator` login whose password is
# printed the first time and kept in .local/secrets/console/operator.password (0600), and a viewer
# bearer token the demo script reads the API with. Idempotent: existing accounts are kept.
source "$(dirname "$0")/lib.sh"
c="$IPASN_SECRETS_DIR/console"; mkdir -p "$c"; chmod 700 "$c"; umask 077
users="$c/users.json"
cu() { node "$IPASN_ROOT/services/console/dist/bin/console-users.js" --file "$users" --json "$@"; }
[[ -s $c/session-secret ]] || "$IPASN_ROOT/infra/scripts/secrets.sh"
if [[ ! -s $c/operator.password ]]; then
  cu add operator --role operator --replace | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).password))' >"$c/operator.password" \
    || die "could not create the console's operator account"
  log "console login created: user 'operator', password $(cat "$c/operator.password") (kept in $c/operator.password)"
fi
if [[ ! -s $c/scripts.token ]]; then
  cu token scripts --role viewer --replace | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).token))' >"$c/scripts.token" \
    || die "could not create the console's script token"
fi
