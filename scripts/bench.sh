#!/usr/bin/env bash
# The benchmark (issues 4 and 14): bare Lettuce + Jackson baseline vs the service's pipeline (no-op
# handler) vs the service with the real order handler (and, at 10k msg/s, with tracing export on), on a
# redis-server of its own; targets as CPU-per-message ratios measured in the same run.
# Writes BENCHMARKS.md (or target/BENCHMARKS-quick.md with --quick). About 10 minutes.
#   scripts/bench.sh            the full run
#   scripts/bench.sh --quick    a short smoke run (small bursts, 5 s steady runs)
#   scripts/bench.sh --stream   scenario (d) only: stream mode: catch-up, stream vs pub/sub CPU, 1-3 replicas (its own section of BENCHMARKS.md)
#   scripts/bench.sh --startup  start-up only: time to ready and a cold 1M burst for the JDK 17 jar, the JDK 25 jar and
#                               JDK 25 with an AOT cache (--jdk17=HOME, --jdk25=HOME; its own section of BENCHMARKS.md)
# JAVA_HOME selects the JDK for every JVM of the run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install -y redis-server)" >&2; exit 1; }
./mvnw -B -ntp -q -DskipTests package
./mvnw -B -ntp -q -f bench/pom.xml package
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" -jar bench/target/bench.jar "$@"
