#!/usr/bin/env bash
# Runs a load-test scenario against taskpipe. Usage: load-tests/run.sh SCENARIO [options]
#   SCENARIO  a name from load-tests/scenarios (smoke, io-heavy, cpu-heavy, mixed, burst, many-keys) or a file
# Without --bootstrap-servers it starts a local all-in-one pipeline (embedded broker) for the run.
# --help lists every option. Builds the application once if target/quarkus-app is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
app="$root/target/quarkus-app"
[ -d "$app/lib/main" ] || (cd "$root" && ./mvnw -q -B -DskipTests package)
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Dlogging.configuration="file:$root/load-tests/logging.properties" -cp "$app/app/*:$app/lib/main/*:$app/lib/boot/*" io.taskpipe.load.LoadCommand \
  --scenario-dir "$root/load-tests/scenarios" --jar "$app/quarkus-run.jar" --seed-data "$root/data" "$@"
