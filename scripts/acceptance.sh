#!/usr/bin/env bash
# Acceptance check of the packaged jar, as a new user would try it: a fresh redis-server on a
# free port, the jar started with only SPRING_DATA_REDIS_URL and SERVER_PORT, then 1,000 orders,
# 200 notifications, re-sent orders and one malformed input per reason code published with
# redis-cli. Prints the figures and exits non-zero when an expectation does not hold.
# Usage: ./mvnw -DskipTests package && scripts/acceptance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$(ls target/message-consumer-*.jar | head -n 1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); HTTP_PORT=$(free_port)
WORK=$(mktemp -d)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" --daemonize yes --logfile "$WORK/redis.log"
R() { redis-cli -p "$REDIS_PORT" "$@"; }
cleanup() { kill "$APP" 2>/dev/null || true; R shutdown nosave >/dev/null 2>&1 || true; }
trap cleanup EXIT

start=$(date +%s.%N)
SPRING_DATA_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" SERVER_PORT="$HTTP_PORT" java -jar "$JAR" > "$WORK/app.log" 2>&1 &
APP=$!
until curl -sf "localhost:$HTTP_PORT/actuator/health/readiness" >/dev/null; do
  sleep 0.2
  if (( $(echo "$(date +%s.%N) - $start > 30" | bc) )); then echo "FAIL: not ready within 30 s"; exit 1; fi
done
printf 'ready after %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"

for i in $(seq 1 1000); do
  echo "PUBLISH orders '{\"type\":\"order\",\"id\":\"acc-$i\",\"customerId\":\"c-$i\",\"items\":[{\"sku\":\"S\",\"quantity\":1,\"unitPrice\":2.5}],\"total\":2.5,\"currency\":\"EUR\"}'"
done | R > /dev/null
for i in $(seq 1 200); do
  echo "PUBLISH notifications '{\"type\":\"notification\",\"id\":\"n-$i\",\"message\":\"hello $i\"}'"
done | R > /dev/null
for i in $(seq 1 50); do
  echo "PUBLISH orders '{\"type\":\"order\",\"id\":\"acc-$i\"}'"
done | R > /dev/null

publish_bad() { # channel, bytes via printf
  printf "$2" | R -x PUBLISH "$1" > /dev/null
}
python3 -c 'print("{\"type\":\"order\",\"id\":\"big\",\"pad\":\"" + "a"*1100000 + "\"}", end="")' | R -x PUBLISH orders >/dev/null
publish_bad orders '{"type":"order","id":"\xff"}'
publish_bad orders 'not json'
publish_bad notifications '[1,2,3]'
publish_bad orders '{"id":"no-type"}'
publish_bad notifications '{"type":"refund","id":"r"}'
publish_bad orders '{"type":"order","id":"q","items":[{"sku":"S","quantity":0}]}'

expected_reasons="too_large invalid_encoding invalid_json not_an_object missing_type unknown_type invalid_payload"
for _ in $(seq 1 100); do
  [ "$(R XLEN consumer:dead-letter)" -ge 7 ] && break; sleep 0.2
done
sleep 1
body=$(curl -s "localhost:$HTTP_PORT/actuator/consumer")
echo "$body"
processed=$(echo "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["processed"])')
duplicate=$(echo "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["duplicate"])')
echo "orders stored: $(R --scan --pattern 'orders:*' | wc -l), processed=$processed duplicate=$duplicate"
fail=0
[ "$processed" -eq 1200 ] || { echo "FAIL: processed $processed, expected 1200"; fail=1; }
[ "$duplicate" -eq 50 ] || { echo "FAIL: duplicate $duplicate, expected 50"; fail=1; }
entries=$(R --raw XRANGE consumer:dead-letter - + | tr -d '\r')
for reason in $expected_reasons; do
  echo "$entries" | grep -qx "$reason" || { echo "FAIL: no dead letter with reason $reason"; fail=1; }
done
echo "dead letters: $(R XLEN consumer:dead-letter) ($(echo "$entries" | grep -xE "$(echo $expected_reasons | tr ' ' '|')" | sort | uniq -c | tr '\n' ' '))"
health=$(curl -s "localhost:$HTTP_PORT/actuator/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
echo "health: $health"
[ "$health" = "UP" ] || fail=1
for endpoint in env heapdump beans configprops; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "localhost:$HTTP_PORT/actuator/$endpoint")
  [ "$code" = "404" ] || { echo "FAIL: /actuator/$endpoint answered $code"; fail=1; }
done

t0=$(date +%s.%N); kill -TERM "$APP"; wait "$APP" || true
printf 'exit after SIGTERM: %.1f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"
[ "$fail" -eq 0 ] && echo "ACCEPTANCE PASSED" || { echo "ACCEPTANCE FAILED (log: $WORK/app.log)"; exit 1; }
