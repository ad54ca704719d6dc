#!/usr/bin/env bash
# taskpipe's benchmark suite: every goal's arms on this machine, each figure a ratio against a
# baseline measured in the same run. Usage: load-tests/bench.sh [--smoke] [--only G1,G5] [--out DIR]
# Needs JDK 25 (JAVA_HOME), python3 and taskset; takes about 45 minutes on 2 cores. See load-tests/README.md.
# BENCH_JAVA_OPTS adds options to the suite's own JVM (e.g. a flight recording).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -d target/test-classes/io/taskpipe/bench ]; then
  ./mvnw -q -B -DskipTests package
fi
if [ ! -s target/bench-classpath.txt ] || [ pom.xml -nt target/bench-classpath.txt ]; then
  ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g ${BENCH_JAVA_OPTS:-} -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Dlogging.configuration="file:$root/load-tests/logging.properties" \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.taskpipe.bench.BenchCommand "$@"
