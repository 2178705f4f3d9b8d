#!/usr/bin/env bash
# Downloads Apache Kafka (broker + runtime dependencies) from Maven Central once, into .cache/kafka/libs.
# Used by tests/support/kafka-broker.ts, which starts a single-node KRaft broker with Java 17.
# Idempotent: does nothing when the jars are already there. Needs `mvn` (Debian package maven) and java 17.
set -euo pipefail
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache/kafka"
LIBS="$CACHE/libs"
STAMP="$CACHE/.kafka-$KAFKA_VERSION.done"

if [[ -f "$STAMP" ]]; then echo "kafka $KAFKA_VERSION jars already in $LIBS"; exit 0; fi
command -v mvn >/dev/null || { echo "setup-kafka: mvn not found; install the Debian package maven (scripts/setup-system.sh)" >&2; exit 1; }
command -v java >/dev/null || { echo "setup-kafka: java not found; install openjdk-17-jre-headless" >&2; exit 1; }

mkdir -p "$CACHE"
rm -rf "$LIBS"
cat > "$CACHE/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>nas-ledger</groupId><artifactId>kafka-test-broker</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
# A private local repository under the cache keeps ~/.m2 untouched.
mvn -q -B -f "$CACHE/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
  org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$LIBS"
ls "$LIBS"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null
touch "$STAMP"
echo "kafka $KAFKA_VERSION: $(ls "$LIBS" | wc -l) jars in $LIBS"
