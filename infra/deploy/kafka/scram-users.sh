#!/usr/bin/env bash
# The kafka-admin service (compose profile `tools`), in the apache/kafka image, as the admin
# principal: creates or resets the SCRAM-SHA-512 credentials of the principals named, from their
# password files (/etc/ipasn/scram-users/<principal>.password, infra/deploy/secrets.sh). For an
# agency onboarded after the first start, or a rotated password:
#   docker compose -f infra/deploy/compose.yaml run --rm kafka-admin agency-1234
# The password goes through a 0600 file, not the command line.
set -euo pipefail
users=/etc/ipasn/scram-users
(($#)) || { echo "usage: kafka-admin PRINCIPAL… (e.g. agency-1234)" >&2; exit 2; }
for p in "$@"; do
  [[ $p =~ ^[A-Za-z0-9._-]+$ && -s $users/$p.password ]] || { echo "[ipasn] ERROR: no password file for $p: add it to the agency list and run infra/deploy/secrets.sh" >&2; exit 1; }
  cfg=$(umask 077 && mktemp)
  printf 'SCRAM-SHA-512=password=%s\n' "$(tr -d '\n' <"$users/$p.password")" >"$cfg"
  echo "[ipasn] setting the SCRAM credential of $p"
  /opt/kafka/bin/kafka-configs.sh --bootstrap-server "${BOOTSTRAP_SERVERS:?}" --command-config /run/secrets/kafka-admin-properties \
    --alter --entity-type users --entity-name "$p" --add-config-file "$cfg" || { rm -f "$cfg"; exit 1; }
  rm -f "$cfg"
done
