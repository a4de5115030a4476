#!/usr/bin/env bash
# Two service jars compared interleaved (A, B, A, B, ...): each round starts a fresh JVM on a
# redis-server of its own, warms it with WARM messages (100,000), waits until their outcomes are
# all in, then publishes N messages (as fast as possible, or RATE per second) and reads the
# service's CPU time per message from /proc, and Redis's own beside it.
#   scripts/bench-ab.sh BEFORE.jar AFTER.jar [ROUNDS]
#   KIND=order N=250000 RATE=25000 scripts/bench-ab.sh BEFORE.jar AFTER.jar 2
#   KIND=order WARM=20000 N=50000 RATE=5000 ...   a smaller warm-up burst, when it would overflow
#   ARGS_B="--some.property=x" scripts/bench-ab.sh JAR JAR   one jar, B with extra arguments (ARGS_A for A)
# Needs bench/target/bench.jar (scripts/bench.sh builds it), redis-server, curl, python3. Linux only.
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1 B=$2 ROUNDS=${3:-2}
KIND=${KIND:-bench} N=${N:-500000} RATE=${RATE:-} WARM=${WARM:-100000}
PORT=${PORT:-6411} HTTP=${HTTP:-18181}
BENCH=bench/target/bench.jar
WORK=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --dir "$WORK" --logfile "$WORK/redis.log"
trap 'redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true' EXIT
outcomes() {
	curl -s "localhost:$HTTP/actuator/metrics/consumer.messages" |
		python3 -c 'import sys, json; print(int(json.load(sys.stdin)["measurements"][0]["value"]))'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.1; done
REDIS_PID=$(redis-cli -p "$PORT" info server | tr -d '\r' | awk -F: '$1 == "process_id" {print $2}')
per_message() { python3 -c "print(round(($2 - $1) / $(getconf CLK_TCK) * 1e6 / $N, 2))"; }
run() {
	local jar=$1 label=$2 args
	args="ARGS_$label"
	# shellcheck disable=SC2086
	java -Xmx256m -jar "$jar" --spring.profiles.active=bench --server.port="$HTTP" \
		--spring.data.redis.url="redis://127.0.0.1:$PORT" --consumer.channels=bench ${!args:-} > "$WORK/service-$label.log" 2>&1 &
	local pid=$!
	until curl -sf "localhost:$HTTP/actuator/health/readiness" >/dev/null 2>&1; do sleep 0.3; done
	java -jar "$BENCH" publish "redis://127.0.0.1:$PORT" "$KIND" 0 "$WARM" >/dev/null 2>&1
	local c0 r0 published last=-1 n
	# The warm-up's backlog (lanes, dead letters) is worked off before the measured run.
	while n=$(outcomes); [ "$n" != "$last" ]; do last=$n; sleep 1; done
	sleep 1
	last=-1
	c0=$(cpu_ticks "$pid"); r0=$(cpu_ticks "$REDIS_PID")
	if [ -n "$RATE" ]; then
		published=$(java -jar "$BENCH" publish "redis://127.0.0.1:$PORT" "$KIND" "$RATE" $((N / RATE)) 2>&1 | tail -n 1)
	else
		published=$(java -jar "$BENCH" publish "redis://127.0.0.1:$PORT" "$KIND" 0 "$N" 2>&1 | tail -n 1)
	fi
	while n=$(outcomes); [ "$n" != "$last" ]; do last=$n; sleep 1; done
	local c1 r1; c1=$(cpu_ticks "$pid"); r1=$(cpu_ticks "$REDIS_PID")
	echo "$label ($jar): $published; outcomes $n; CPU $(per_message "$c0" "$c1") us/msg; Redis CPU $(per_message "$r0" "$r1") us/msg"
	kill "$pid"; wait "$pid" 2>/dev/null || true
}
for _ in $(seq 1 "$ROUNDS"); do run "$A" A; run "$B" B; done
