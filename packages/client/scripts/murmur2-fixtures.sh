#!/usr/bin/env bash
# Regenerates packages/client/test/fixtures/murmur2.json with the real kafka-clients jar (Java's own
# Utils.murmur2). Needs mvn and a JDK 17+; jars are cached in ~/.cache/kafkit/murmur2-fixtures.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
version="${KAFKA_CLIENTS_VERSION:-4.1.1}"
cache="${HOME}/.cache/kafkit/murmur2-fixtures"
mkdir -p "$cache/jars" "$cache/classes"
for artifact in "org.apache.kafka:kafka-clients:${version}" "org.slf4j:slf4j-api:1.7.36"; do
  mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache/jars" >/dev/null
done
javac -d "$cache/classes" -cp "$cache/jars/*" "$here/test/fixtures/java/Murmur2Fixtures.java"
java -cp "$cache/classes:$cache/jars/*" Murmur2Fixtures "$here/test/fixtures/murmur2.json" "$version"
echo "wrote $here/test/fixtures/murmur2.json (kafka-clients $version)"
