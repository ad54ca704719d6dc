#!/usr/bin/env bash
# Builds taskpipe's container images on this machine, pulling nothing from any image registry:
#
#   jre    taskpipe/jre:25       Debian bookworm minbase (debootstrap) + a JRE jlinked from the local JDK 25
#   kafka  taskpipe/kafka:4.2.1  a single-node KRaft broker from Kafka's own jars, on taskpipe/jre:25
#   app    taskpipe:latest       src/main/docker/Dockerfile.jvm with BASE_IMAGE=taskpipe/jre:25
#
# Usage: src/main/docker/build-images.sh [jre] [kafka] [app]   (no argument: all three)
#
# jre and kafka are built once: they are skipped when an image of that tag exists (remove it to rebuild).
# app is built every time from target/quarkus-app (run `./mvnw -DskipTests package` first); Docker's
# layer cache makes an unchanged build instant. Building jre needs root (debootstrap) and JAVA_HOME
# pointing at a JDK 25; kafka resolves Kafka's jars with ./mvnw.
#
# Environment: JRE_IMAGE, KAFKA_IMAGE, APP_IMAGE override the tags; BASE_IMAGE, when set, is used for the
# app image instead of building taskpipe/jre:25 (e.g. a Temurin 25 JRE image you can pull);
# DEBIAN_MIRROR overrides debootstrap's default mirror.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
JRE_IMAGE=${JRE_IMAGE:-taskpipe/jre:25}
KAFKA_IMAGE=${KAFKA_IMAGE:-taskpipe/kafka:4.2.1}
APP_IMAGE=${APP_IMAGE:-taskpipe:latest}

say() { echo "build-images: $*" >&2; }
die() { say "$*"; exit 1; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

jdk25() {
  local home=${JAVA_HOME:-}
  [ -n "$home" ] && [ -x "$home/bin/jlink" ] && "$home/bin/java" -version 2>&1 | grep -q 'version "25' \
    || die "JAVA_HOME must point at a JDK 25 with jlink (it is '${home:-unset}')"
  echo "$home"
}

# The modules of a full Java SE runtime plus the jdk.* ones a server uses (JFR, JMX agent, SASL/Kerberos,
# DNS, zipfs, sun.misc.Unsafe for Netty and Kafka's compression libraries, jcmd for diagnostics).
JRE_MODULES=java.se,jdk.charsets,jdk.crypto.cryptoki,jdk.jcmd,jdk.jfr,jdk.localedata,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs

build_jre() {
  if exists "$JRE_IMAGE"; then say "$JRE_IMAGE exists, kept"; return; fi
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install -y debootstrap)"
  [ "$(id -u)" = 0 ] || die "building $JRE_IMAGE needs root (debootstrap); or set BASE_IMAGE to a Temurin 25 JRE image"
  local java_home start work
  java_home=$(jdk25)
  start=$(date +%s)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  say "debootstrap bookworm (minbase) into $work/rootfs"
  debootstrap --variant=minbase bookworm "$work/rootfs" ${DEBIAN_MIRROR:-} >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  # what a runtime image does not need: package caches, docs, man pages
  rm -rf "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/lib/apt/lists/* \
         "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/info/*
  say "jlink a JRE from $java_home"
  "$java_home/bin/jlink" --add-modules "$JRE_MODULES" --include-locales=en --strip-debug --no-man-pages \
    --no-header-files --compress=zip-6 --output "$work/rootfs/opt/java"
  tar -C "$work/rootfs" -c . | docker import \
    --change 'ENV JAVA_HOME=/opt/java' \
    --change 'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["java", "-version"]' \
    - "$JRE_IMAGE" >/dev/null
  say "$JRE_IMAGE built in $(elapsed "$start")"
}

build_kafka() {
  if exists "$KAFKA_IMAGE"; then say "$KAFKA_IMAGE exists, kept"; return; fi
  exists "$JRE_IMAGE" || build_jre
  local start work
  start=$(date +%s)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  say "resolving Kafka's server jars (src/main/docker/kafka/pom.xml)"
  JAVA_HOME=$(jdk25) "$root/mvnw" -B -q -ntp -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$work/libs" >&2
  cp "$here/kafka/Dockerfile" "$here/kafka/kafka-start.sh" "$work/"
  docker build -q --build-arg BASE_IMAGE="$JRE_IMAGE" -t "$KAFKA_IMAGE" "$work" >/dev/null
  say "$KAFKA_IMAGE built in $(elapsed "$start")"
}

build_app() {
  [ -f "$root/target/quarkus-app/quarkus-run.jar" ] || die "target/quarkus-app is missing: run ./mvnw -DskipTests package first"
  local base=${BASE_IMAGE:-$JRE_IMAGE} start
  [ -n "${BASE_IMAGE:-}" ] || exists "$JRE_IMAGE" || build_jre
  start=$(date +%s)
  # the context is the project root, as for `docker build -f src/main/docker/Dockerfile.jvm .`;
  # .dockerignore there is not ours to keep, so only target/quarkus-app is sent
  local context
  context=$(mktemp -d)
  trap 'rm -rf "$context"' RETURN
  mkdir -p "$context/target" "$context/src/main/docker"
  cp -a "$root/target/quarkus-app" "$context/target/"
  cp "$here/Dockerfile.jvm" "$context/src/main/docker/"
  docker build -q --build-arg BASE_IMAGE="$base" -f "$context/src/main/docker/Dockerfile.jvm" -t "$APP_IMAGE" "$context" >/dev/null
  say "$APP_IMAGE built on $base in $(elapsed "$start")"
}

command -v docker >/dev/null || die "docker is missing"
docker info >/dev/null 2>&1 || die "no Docker daemon answers (start dockerd)"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(jre kafka app)
for target in "${targets[@]}"; do
  case "$target" in
    jre) build_jre ;;
    kafka) build_kafka ;;
    app) build_app ;;
    *) die "unknown image '$target' (jre, kafka or app)" ;;
  esac
done
