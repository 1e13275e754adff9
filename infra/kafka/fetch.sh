#!/usr/bin/env bash
# Copies the Kafka jars (version: kafka.version in pom.xml) from Maven Central into
# $IPASN_CACHE_DIR/kafka-<version>/libs, once. A second run finds the marker and returns at once.
source "$(dirname "$0")/../scripts/lib.sh"
marker="$KAFKA_LIBS/.complete"
if [[ -f "$marker" ]]; then exit 0; fi
command -v mvn >/dev/null || die "Maven (mvn) is not installed: apt-get install -y maven"
command -v java >/dev/null || die "Java 17 is not installed: apt-get install -y openjdk-17-jdk-headless"
log "fetching Apache Kafka $KAFKA_VERSION jars into $KAFKA_LIBS (first run only)"
start=$(date +%s)
mkdir -p "$KAFKA_LIBS"
# The pom builds nothing; target/ goes to the cache too so the work tree stays clean.
profile=kafka4; [[ $KAFKA_VERSION == 3.* ]] && profile=kafka3
mvn -B -q -f "$IPASN_ROOT/infra/kafka/pom.xml" package -P"$profile" \
  -Dkafka.version="$KAFKA_VERSION" -Dlibs.dir="$KAFKA_LIBS" \
  -Dbuild.dir="$IPASN_CACHE_DIR/kafka-$KAFKA_VERSION/target" >&2 \
  || die "fetching the Kafka jars failed (mvn package in infra/kafka; see the Maven output above)"
ls "$KAFKA_LIBS"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no kafka_2.13 jar in $KAFKA_LIBS after mvn package"
if [[ $profile == kafka3 ]]; then binding=slf4j-reload4j; else binding=log4j-slf4j2-impl; fi
ls "$KAFKA_LIBS"/$binding-*.jar >/dev/null 2>&1 || die "no logging binding ($binding) in $KAFKA_LIBS"
touch "$marker"
log "Kafka jars fetched in $(( $(date +%s) - start ))s"
