#!/usr/bin/env bash
# Prints the environment that connects a shell to the local system as one principal, for eval:
#   eval "$(npm run -s credentials -- cli-admin)"   then   npx ipasn verify
#   eval "$(npm run -s credentials -- reader)"      then   npx ipasn tail scores
# Kafka principal PRINCIPAL (SASL_SSL, SCRAM-SHA-512) and the Redis user of the same role (the
# CLI's `cli` user for cli-admin and reader). Passwords stay in their 0600 files (*_FILE).
source "$(dirname "$0")/lib.sh"
p="${1:-}"
[[ -n $p ]] || die "usage: credentials.sh PRINCIPAL (admin, cli-admin, reader, normalizer, scorer, projector, console, gateway, agency-<code>)"
[[ -s $IPASN_SECRETS_DIR/kafka/users/$p.password ]] || die "no principal $p in $IPASN_SECRETS_DIR/kafka/users (npm run up generates them)"
case $p in admin) r=admin ;; normalizer | scorer | projector | console | gateway) r=$p ;; *) r=cli ;; esac
printf 'export KAFKA_BROKERS=%q KAFKA_SASL_USERNAME=%q KAFKA_SASL_PASSWORD_FILE=%q KAFKA_SSL_CA_FILE=%q\n' \
  "$KAFKA_BROKERS" "$p" "$IPASN_SECRETS_DIR/kafka/users/$p.password" "$IPASN_SECRETS_DIR/kafka/ca.pem"
printf 'export REDIS_URL=%q REDIS_USERNAME=%q REDIS_PASSWORD_FILE=%q\n' "$REDIS_URL" "$r" "$IPASN_SECRETS_DIR/redis/$r.password"
