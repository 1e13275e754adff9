#!/usr/bin/env bash
# Creates the SCRAM-SHA-512 credential of every principal that has a generated password but is not
# yet known to the running broker (an agency added to the list after the first start), through
# Kafka's own ConfigCommand as admin: kafkajs has no AlterUserScramCredentials. Idempotent; also
# `scram-users.sh NAME…` to (re)set given principals' credentials from their password files
# (rotation: write a new password file, run this, restart the clients that use it).
source "$(dirname "$0")/../scripts/lib.sh"
dir="$IPASN_STATE_DIR/kafka"; k="$IPASN_SECRETS_DIR/kafka"; known="$dir/data/.ipasn-scram-users"
touch "$known"
if (($#)); then wanted=("$@"); else mapfile -t wanted < <("$IPASN_ROOT/infra/scripts/secrets.sh" principals | grep -vxFf "$known" || true); fi
(( ${#wanted[@]} )) || exit 0
if [[ $KAFKA_VERSION == 3.* ]]; then cls=kafka.admin.ConfigCommand; else cls=org.apache.kafka.tools.ConfigCommand; fi
for p in "${wanted[@]}"; do
  [[ -s $k/users/$p.password ]] || die "no password file for $p: run infra/scripts/secrets.sh"
  log "creating the SCRAM credential of $p"
  # The password goes through a 0600 file, not the command line (ps shows arguments).
  umask 077; cfg=$(mktemp); printf 'SCRAM-SHA-512=password=%s\n' "$(cat "$k/users/$p.password")" >"$cfg"
  java -cp "$KAFKA_LIBS/*" $KAFKA_LOG_OPTS -Dkafka.logs.dir="$dir/logs" $cls --bootstrap-server "$KAFKA_BROKERS" \
    --command-config "$k/admin.properties" --alter --entity-type users --entity-name "$p" \
    --add-config-file "$cfg" >>"$dir/logs/scram-users.log" 2>&1 \
    || { rm -f "$cfg"; tail -5 "$dir/logs/scram-users.log" >&2; die "could not create the SCRAM credential of $p"; }
  rm -f "$cfg"
  grep -qxF "$p" "$known" || echo "$p" >>"$known"
done
