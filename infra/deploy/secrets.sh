#!/usr/bin/env bash
# Generates, once, every secret infra/deploy/compose.yaml mounts, into $IPASN_DEPLOY_SECRETS_DIR
# (default infra/deploy/.secrets, ignored by git and by the Docker build context). Nothing secret is
# committed; compose refuses to start while a file it mounts is missing.
#
# The principals, their passwords, the CA, the Redis ACL file and the console's session secret come
# from infra/scripts/secrets.sh (the same code as `npm run up`, run with IPASN_SECRETS_DIR pointing
# here), so the compose deployment has exactly the local system's identities. On top of that:
#
#   brokers/kafka-N/broker.p12, broker.p12.password  kafka-N's key and certificate, signed by kafka/ca.pem,
#                                    SANs DNS:kafka-N (its name on the compose network) and DNS:localhost
#                                    (its own health check); mounted on kafka-N as /etc/kafka/secrets
#   brokers/kafka-N/ca.pem           the CA (the truststore of the inter-broker and controller clients)
#   brokers/kafka-N/jaas.conf        the broker's own SASL logins: SCRAM as `broker` on SASL_SSL, PLAIN as
#                                    `controller` on CONTROLLER (the image's KAFKA_OPTS convention)
#   brokers/kafka-N/client.properties  the health check's client config (the broker principal)
#   tools/admin.properties           Kafka's own tools as `admin`, inside a container (kafka-admin)
#
# Permissions: this folder is 0700 and ca.key 0600, so no other user of the host can reach a secret.
# The files a container reads are 0644 (directories 0755) because the containers' users (appuser,
# node, redis) are not the host user who owns them, and compose without swarm bind-mounts secrets
# with their host modes.
#
# Usage: infra/deploy/secrets.sh    (idempotent: what exists is kept; a new agency of the list in
#                                     force, IPASN_AGENCIES_FILE, gets its password)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
s="${IPASN_DEPLOY_SECRETS_DIR:-$here/.secrets}"
BROKERS=(kafka-1 kafka-2 kafka-3)
log() { printf '[ipasn] %s\n' "$*" >&2; }
die() { printf '[ipasn] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$s"
chmod 700 "$s"
# Everything the local system has: the CA, one SCRAM password per principal (broker, admin, the
# services, cli-admin, reader, agency-<code>), the controller's PLAIN secret, the Redis users and
# their ACL file (default user off), the console's session secret.
IPASN_SECRETS_DIR="$s" "$here/../scripts/secrets.sh"
k="$s/kafka"
# That script's last chmod 600 also reaches the kafka/users directory (its glob kafka/* names it),
# which takes away the owner's right to enter it unless the owner is root: give it back.
chmod 700 "$k/users"
[[ -s $k/ca.pem && -s $k/ca.key && -s $k/users/broker.password && -s $k/controller.password ]] \
  || die "infra/scripts/secrets.sh did not generate the CA and the broker's passwords in $k"

umask 077
# --- one certificate per broker, signed by the same CA ---------------------------------------------
for b in "${BROKERS[@]}"; do
  d="$s/brokers/$b"
  mkdir -p "$d"
  # A certificate that the current CA did not sign (the CA was regenerated) is replaced.
  if [[ ! -s $d/broker.p12 || ! -s $d/broker.pem ]] || ! openssl verify -CAfile "$k/ca.pem" "$d/broker.pem" >/dev/null 2>&1; then
    log "generating the certificate of $b (SANs DNS:$b, DNS:localhost)"
    [[ -s $d/broker.p12.password ]] || openssl rand -hex 24 >"$d/broker.p12.password"
    openssl req -newkey rsa:3072 -nodes -subj "/CN=$b" -keyout "$d/broker.key" -out "$d/broker.csr" 2>/dev/null \
      || die "openssl could not create the key of $b"
    printf 'subjectAltName=DNS:%s,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' "$b" >"$d/broker.ext"
    openssl x509 -req -in "$d/broker.csr" -CA "$k/ca.pem" -CAkey "$k/ca.key" -CAcreateserial -days 825 \
      -extfile "$d/broker.ext" -out "$d/broker.pem" 2>/dev/null || die "openssl could not sign the certificate of $b"
    openssl pkcs12 -export -in "$d/broker.pem" -inkey "$d/broker.key" -certfile "$k/ca.pem" -name "$b" \
      -passout "file:$d/broker.p12.password" -out "$d/broker.p12" || die "openssl could not write the keystore of $b"
    rm -f "$d/broker.key" "$d/broker.csr" "$d/broker.ext"
  fi
  cp "$k/ca.pem" "$d/ca.pem"
  # The broker's own logins, read through KAFKA_OPTS=-Djava.security.auth.login.config (the
  # apache/kafka image's SASL convention). Kafka looks up `<listener>.KafkaServer`: on SASL_SSL the
  # broker authenticates to the other brokers with SCRAM as `broker`; on CONTROLLER with PLAIN as
  # `controller`, which is also the only PLAIN user the controllers accept (SCRAM cannot
  # authenticate controllers: its credentials live in the metadata log they serve).
  cat >"$d/jaas.conf" <<EOF
sasl_ssl.KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required
  username="broker"
  password="$(cat "$k/users/broker.password")";
};
controller.KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  username="controller"
  password="$(cat "$k/controller.password")"
  user_controller="$(cat "$k/controller.password")";
};
EOF
  cat >"$d/client.properties" <<EOF
# The health check of $b (kafka-broker-api-versions.sh), as the broker principal it already holds.
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$(cat "$k/users/broker.password")";
ssl.truststore.type=PEM
ssl.truststore.location=/etc/kafka/secrets/ca.pem
EOF
done

# --- Kafka's own tools as admin, inside the compose network (the kafka-admin service) --------------
mkdir -p "$s/tools"
cat >"$s/tools/admin.properties" <<EOF
# Kafka's own tools as the admin principal, inside a container (generated by infra/deploy/secrets.sh)
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$k/users/admin.password")";
ssl.truststore.type=PEM
ssl.truststore.location=/run/secrets/kafka-ca
EOF

# --- what containers read: readable by their users; the folder itself stays 0700 -------------------
chmod 755 "$k" "$k/users" "$s/redis" "$s/console" "$s/brokers" "$s/brokers"/* "$s/tools"
chmod 644 "$k/ca.pem" "$k/users"/*.password "$s/redis"/*.password "$s/redis/users.acl" "$s/console/session-secret" \
  "$s/brokers"/*/* "$s/tools/admin.properties"
chmod 600 "$k/ca.key"
log "compose secrets ready in $s"
