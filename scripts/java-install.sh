#!/usr/bin/env bash
# Make sure a Java runtime is present for PySpark (the Spark tests and `--engine spark`).
#
#     bash scripts/java-install.sh
#
# Does nothing when `java` already runs. Otherwise installs Debian's `default-jre-headless`
# (needs root and apt; `apt-get update` first, as a fresh machine has no package lists). PySpark 4
# needs Java 17 or later; Debian 12's default JRE is 17.
set -euo pipefail

if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "java-install.sh: no java and no apt-get; install a Java 17+ runtime by hand" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends default-jre-headless
java -version
