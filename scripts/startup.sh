#!/usr/bin/env bash
# Time to readiness (issue 14): starts the packaged jar RUNS times per variant, the variants
# interleaved, against a redis-server of its own on a free port, and measures from the launch of
# the JVM to the first /actuator/health/readiness answering UP (what a burst publisher waits for).
# Prints each run (ready, Boot's "process running for", the warm-up) and min / median / max per variant.
#   scripts/startup.sh                       5 runs of jdk17 jdk25 jdk25-aot (those whose JDK exists)
#   scripts/startup.sh --runs 3 jdk17 jdk17-cds
# Variants:
#   jdk17       java -jar on JDK 17 (JAVA17, default /usr/lib/jvm/java-17-openjdk-amd64)
#   jdk17-cds   the extracted jar on JDK 17 with a class-data archive from a training run
#   jdk25       java -jar on JDK 25 (JAVA25, default /usr/lib/jvm/temurin-25-jdk-amd64)
#   jdk25-aot   the extracted jar on JDK 25 with an AOT cache (JEP 483/515) from a training run
#   jdk25-aot-refresh   the same, the cache from a training run that stops once the context is
#               refreshed (-Dspring.context.exit=onRefresh: no Redis needed, what the image does)
#   image       the container image (IMAGE, default message-consumer:startup; build it first with
#               docker build -t message-consumer:startup .), host network, read-only, 512 MB, as in
#               docker-compose.yml; its AOT cache is the image's own (docs/container.md)
# A training run starts the service against the same Redis, waits until it is ready (subscribed and
# warmed up through the real listener), and stops it: the archive holds what the consumer path loads
# and, on JDK 25, the method profiles of that path. Archives go to target/startup/ and are rebuilt
# when the jar is newer. The jar is built only when missing (./mvnw -DskipTests package); JAR=path
# measures another jar, STARTUP_DIR=dir keeps the archives and logs elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install -y redis-server)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

JAVA17="${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64}"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
RUNS=5
VARIANTS=()
while [ $# -gt 0 ]; do
	case "$1" in
		--runs) RUNS="$2"; shift 2 ;;
		--runs=*) RUNS="${1#--runs=}"; shift ;;
		-h|--help) sed -n '2,23p' "$0"; exit 0 ;;
		*) VARIANTS+=("$1"); shift ;;
	esac
done
if [ ${#VARIANTS[@]} -eq 0 ]; then
	VARIANTS=(jdk17)
	[ -x "$JAVA25/bin/java" ] && VARIANTS+=(jdk25 jdk25-aot)
fi

if [ -z "${JAR:-}" ]; then
	ls target/message-consumer-*.jar >/dev/null 2>&1 || ./mvnw -B -ntp -q -DskipTests package
	JAR="$(ls target/message-consumer-*.jar | head -1)"
fi
mkdir -p "${STARTUP_DIR:-target/startup}"
WORK="$(cd "${STARTUP_DIR:-target/startup}" && pwd)"

# A free TCP port: bind to port 0 and read what the kernel gave (python3 where present, else a guess).
free_port() {
	if command -v python3 >/dev/null; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
	else
		echo $((20000 + RANDOM % 20000))
	fi
}

REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
	--pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
trap 'kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# The extracted jar (lib/ beside it): class-data and AOT caches need plain jar files on the class path.
extracted() {
	if [ ! -f "$WORK/extracted/$(basename "$JAR")" ] || [ "$JAR" -nt "$WORK/extracted/$(basename "$JAR")" ]; then
		rm -rf "$WORK/extracted"
		"$JAVA17/bin/java" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/extracted" >/dev/null
	fi
	echo "$WORK/extracted/$(basename "$JAR")"
}

# The command line of a variant; empty when its JDK is missing.
command_of() {
	case "$1" in
		jdk17) echo "$JAVA17/bin/java -Xmx256m -jar $JAR" ;;
		jdk17-cds) echo "$JAVA17/bin/java -Xmx256m -XX:SharedArchiveFile=$WORK/app-17.jsa -Xshare:auto -jar $(extracted)" ;;
		jdk25) echo "$JAVA25/bin/java -Xmx256m -jar $JAR" ;;
		jdk25-aot) echo "$JAVA25/bin/java -Xmx256m -XX:AOTCache=$WORK/app-25.aot -jar $(extracted)" ;;
		jdk25-aot-refresh) echo "$JAVA25/bin/java -Xmx256m -XX:AOTCache=$WORK/app-25-refresh.aot -jar $(extracted)" ;;
		image) echo "docker run --rm --network host --read-only --tmpfs /tmp --memory 512m ${IMAGE:-message-consumer:startup}" ;;
		*) echo "unknown variant $1" >&2; exit 1 ;;
	esac
}

# One start: launch, poll readiness every 50 ms, stop with SIGTERM. Prints "ready_ms boot_s warmup_ms".
# $1 the java command line, $2 the log file.
start_once() {
	local port started pid ready=timeout boot warm
	port="$(free_port)"
	started=$(date +%s%N)
	# shellcheck disable=SC2086
	$1 --server.port="$port" --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" >"$2" 2>&1 &
	pid=$!
	for _ in $(seq 1200); do
		if curl -sf -m 1 "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1; then
			ready=$(( ($(date +%s%N) - started) / 1000000 ))
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	boot=$(grep -o 'process running for [0-9.]*' "$2" | grep -o '[0-9.]*$' || echo -)
	warm=$(grep -o 'warmed up .* in [0-9]* ms' "$2" | grep -o '[0-9]* ms$' | grep -o '[0-9]*' || echo -)
	echo "$ready ${boot:--} ${warm:--}"
}

# The training run of a cached variant, when its archive is missing or older than the jar.
train() {
	local variant="$1" archive flags
	case "$variant" in
		jdk17-cds) archive="$WORK/app-17.jsa"; flags="$JAVA17/bin/java -Xmx256m -XX:ArchiveClassesAtExit=$archive -jar $(extracted)" ;;
		jdk25-aot) archive="$WORK/app-25.aot"; flags="$JAVA25/bin/java -Xmx256m -XX:AOTCacheOutput=$archive -jar $(extracted)" ;;
		jdk25-aot-refresh) archive="$WORK/app-25-refresh.aot"
			flags="$JAVA25/bin/java -Xmx256m -XX:AOTCacheOutput=$archive -Dspring.context.exit=onRefresh -jar $(extracted)" ;;
		*) return 0 ;;
	esac
	if [ -f "$archive" ] && [ "$archive" -nt "$JAR" ]; then
		return 0
	fi
	echo "training $variant -> $archive" >&2
	rm -f "$archive"
	start_once "$flags" "$WORK/train-$variant.log" >/dev/null
	[ -f "$archive" ] || { echo "no archive written: see $WORK/train-$variant.log" >&2; exit 1; }
}

declare -A RESULTS
for variant in "${VARIANTS[@]}"; do
	train "$variant"
	RESULTS[$variant]=""
done

for run in $(seq "$RUNS"); do
	for variant in "${VARIANTS[@]}"; do
		read -r ready boot warm < <(start_once "$(command_of "$variant")" "$WORK/$variant-$run.log")
		printf '%-10s run %d: ready %s ms, Boot started at %s s, warm-up %s ms\n' "$variant" "$run" "$ready" "$boot" "$warm"
		RESULTS[$variant]+="$ready "
	done
done

echo
printf '%-10s %6s %8s %6s   (ms from launch to readiness UP, %d runs)\n' variant min median max "$RUNS"
for variant in "${VARIANTS[@]}"; do
	# shellcheck disable=SC2086
	sorted=$(printf '%s\n' ${RESULTS[$variant]} | sort -n)
	n=$(echo "$sorted" | wc -l)
	printf '%-10s %6s %8s %6s\n' "$variant" "$(echo "$sorted" | head -1)" \
		"$(echo "$sorted" | sed -n "$(( (n + 1) / 2 ))p")" "$(echo "$sorted" | tail -1)"
done
