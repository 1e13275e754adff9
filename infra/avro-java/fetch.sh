#!/usr/bin/env bash
# Copies the Avro Java jars (version: avro.version in pom.xml) from Maven Central into
# $IPASN_CACHE_DIR/avro-java/libs once, and compiles src/AvroInterop.java into
# $IPASN_CACHE_DIR/avro-java/classes whenever the source is newer than the class.
# Prints the Java classpath to use on stdout (the only stdout line); everything else goes to stderr.
# A second run finds the marker and the up-to-date class and returns at once.
source "$(dirname "$0")/../scripts/lib.sh"
here="$IPASN_ROOT/infra/avro-java"
avro_version="$(sed -n 's:.*<avro.version>\(.*\)</avro.version>.*:\1:p' "$here/pom.xml")"
cache="$IPASN_CACHE_DIR/avro-java"
# The version is part of the libs path so that changing it in pom.xml fetches again.
libs="$cache/avro-$avro_version/libs"
classes="$cache/avro-$avro_version/classes"
marker="$libs/.complete"

command -v java >/dev/null || die "Java 17 is not installed: apt-get install -y openjdk-17-jdk-headless"
command -v javac >/dev/null || die "javac is not installed (a JRE is not enough): apt-get install -y openjdk-17-jdk-headless"
if [[ ! -f "$marker" ]]; then
  command -v mvn >/dev/null || die "Maven (mvn) is not installed: apt-get install -y maven"
  log "fetching Apache Avro $avro_version jars into $libs (first run only)"
  start=$(date +%s)
  mkdir -p "$libs"
  # The pom builds nothing; target/ goes to the cache too so the work tree stays clean.
  mvn -B -q -Dstyle.color=never -f "$here/pom.xml" package \
    -Davro.version="$avro_version" -Dlibs.dir="$libs" -Dbuild.dir="$cache/avro-$avro_version/target" >&2 \
    || die "fetching the Avro jars failed (mvn package in infra/avro-java; see the Maven output above)"
  ls "$libs"/avro-"$avro_version".jar >/dev/null 2>&1 || die "no avro-$avro_version.jar in $libs after mvn package"
  touch "$marker"
  log "Avro jars fetched in $(( $(date +%s) - start ))s"
fi

src="$here/src/AvroInterop.java"
if [[ ! -f "$classes/AvroInterop.class" || "$src" -nt "$classes/AvroInterop.class" ]]; then
  mkdir -p "$classes"
  javac -proc:none -nowarn -d "$classes" -cp "$libs/*" "$src" >&2 || die "compiling $src failed"
fi
printf '%s\n' "$classes:$libs/*"
