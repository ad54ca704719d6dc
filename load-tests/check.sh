#!/usr/bin/env bash
# The checker: drains taskpipe's results and dead letters and counts lost, duplicated and
# out-of-order tasks for a run. Usage: load-tests/check.sh --produced run.jsonl [--bootstrap-servers host:port]
# (--help lists every option). Builds the application once if target/quarkus-app is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
app="$root/target/quarkus-app"
[ -d "$app/lib/main" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Dlogging.configuration="file:$root/load-tests/logging.properties" -cp "$app/app/*:$app/lib/main/*:$app/lib/boot/*" io.taskpipe.check.CheckCommand "$@"
