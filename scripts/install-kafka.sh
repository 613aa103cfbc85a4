#!/usr/bin/env bash
# Installs an Apache Kafka broker (KRaft, Scala 2.13) from Maven Central and prints its lib dir.
#
# The release tarball is not on any registry this project reaches, but the broker's jars are:
# org.apache.kafka:kafka_2.13 with its runtime dependencies is what the tarball's libs/ holds.
# A throw-away pom lets Maven resolve them (`dependency:copy-dependencies`), plus slf4j-reload4j so
# the broker logs through log4j like the tarball. kafkajs is not proven against Kafka 4: stay on 3.9.x.
# Needs Java 17+ and Maven: installed from Debian's packages (as root) when missing.
set -euo pipefail
version="${KAFKA_VERSION:-3.9.2}"
# shellcheck source=lib/tools-dirs.sh
. "$(dirname "$0")/lib/tools-dirs.sh"
lib_dir="$TOOLS_DIR/kafka-$version/lib"
if [ -f "$lib_dir/.complete" ] && command -v java >/dev/null; then echo "$lib_dir"; exit 0; fi

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install-kafka: needs ${need_apt[*]} (apt-get install as root)" >&2; exit 1; }
  echo "install-kafka: installing ${need_apt[*]} from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.anchorpost</groupId>
  <artifactId>kafka-install</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
echo "install-kafka: resolving Kafka $version and its dependencies from Maven Central" >&2
rm -rf "$lib_dir"
mkdir -p "$lib_dir"
# Maven's output is shown only if it fails (quiet mode still prints colour codes).
(cd "$work" && mvn -B -q -Dmaven.repo.local="$work/m2" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$lib_dir") >"$work/mvn.log" 2>&1 ||
  { cat "$work/mvn.log" >&2; echo "install-kafka: Maven failed" >&2; exit 1; }
[ -f "$lib_dir/kafka_2.13-$version.jar" ] || { echo "install-kafka: kafka_2.13-$version.jar missing" >&2; exit 1; }
touch "$lib_dir/.complete"
echo "$lib_dir"
