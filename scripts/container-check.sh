#!/usr/bin/env bash
# End-to-end check of the container, deployed the way a user deploys it: docker-compose.yml,
# `docker compose up --build -d`, Redis through `docker compose exec redis redis-cli`.
# Prints its figures and a summary table; exits non-zero when an expectation fails.
# Not part of `./mvnw verify` (it needs a Docker engine with Compose v2).
#
# Usage: scripts/container-check.sh
# Settings (environment):
#   ORDERS=200          orders published after each Redis restart / outage
#   BURST=100000        orders in the burst published from inside the redis container
#   BURST_OUTPUT_BUFFER pub/sub output-buffer limit set on Redis for the burst only (e.g. 512mb),
#                       so a burst larger than the default 32 MB reaches the service whole
#   OUTAGE=15           seconds Redis stays stopped
#   STOP_BURST=20000    orders published just before the stop, so the drain has work to do
#   MESSAGE_CONSUMER_PORT   host port for the service (default 8080, or a free one when 8080 is taken)
#   KEEP=1              leave the compose project up at the end (default: docker compose down -v)
# Needs on the host: docker (Compose v2 plugin), curl, python3, GNU date.
set -uo pipefail
cd "$(dirname "$0")/.."

ORDERS=${ORDERS:-200}
BURST=${BURST:-100000}
OUTAGE=${OUTAGE:-15}
STOP_BURST=${STOP_BURST:-20000}
BURST_OUTPUT_BUFFER=${BURST_OUTPUT_BUFFER:-}
SERVICE=message-consumer
RUN_ID=$(date +%s)
MEM_LIMIT_MIB=512
HEALTHY_AFTER_READY_MAX=10
GRACE=60

# ---------------------------------------------------------------------------------------------
# Output: figures as they come, expectations collected for the summary
# ---------------------------------------------------------------------------------------------
SUMMARY=()
FAILURES=0
say() { printf '%s  %s\n' "$(date +%T)" "$*"; }
section() { printf '\n== %s\n' "$*"; }
# expect NAME EXPECTED ACTUAL OK(0|1)
record() {
	local status=PASS
	if [ "$4" -ne 0 ]; then status=FAIL; FAILURES=$((FAILURES + 1)); fi
	SUMMARY+=("$(printf '%-44s | %-22s | %-34s | %s' "$1" "$2" "$3" "$status")")
	say "$status: $1: $3 (expected $2)"
}
check() { # check NAME EXPECTED ACTUAL CONDITION...
	local name=$1 expected=$2 actual=$3; shift 3
	if "$@"; then record "$name" "$expected" "$actual" 0; else record "$name" "$expected" "$actual" 1; fi
}
info() { SUMMARY+=("$(printf '%-44s | %-22s | %-34s | %s' "$1" "" "$2" "info")"); say "$1: $2"; }
le() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$1" "$2"; }
eq() { [ "$1" = "$2" ]; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
# Seconds since the epoch of an RFC 3339 time or of Go's "2006-01-02 15:04:05.999 +0000 UTC"
epoch() { date -d "$(printf '%s' "$1" | sed -E 's/ [A-Z]{3,4}$//')" +%s.%N; }

# ---------------------------------------------------------------------------------------------
# Access to the stack
# ---------------------------------------------------------------------------------------------
compose() { docker compose "$@"; }
rcli() { compose exec -T redis redis-cli "$@"; }
cid() { compose ps -a -q "$1"; }
url() { printf 'http://127.0.0.1:%s%s' "$MESSAGE_CONSUMER_PORT" "$1"; }
http() { curl -s --max-time 5 "$(url "$1")"; }
status_of() { http "$1" | python3 -c 'import json,sys
try: print(json.load(sys.stdin).get("status", "?"))
except Exception: print("no-answer")'; }
health_state() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$(cid "$SERVICE")" 2>/dev/null; }

# metric NAME [LABEL=VALUE...]: the sum of the Prometheus samples of NAME with those labels
metric() {
	http /actuator/prometheus | python3 -c '
import re, sys
name, wanted = sys.argv[1], dict(arg.split("=", 1) for arg in sys.argv[2:])
total = 0.0
for line in sys.stdin:
    m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
    if not m or m.group(1) != name:
        continue
    labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", m.group(2) or ""))
    if all(labels.get(k) == v for k, v in wanted.items()):
        total += float(m.group(3))
print(int(total))' "$@"
}
# The outcome counters, "type/outcome=count ..."
outcomes() {
	http /actuator/prometheus | python3 -c '
import re, sys
parts = []
for line in sys.stdin:
    m = re.match(r"^consumer_messages_total\{([^}]*)\}\s+(\S+)", line)
    if m:
        labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", m.group(1)))
        kind, outcome = labels.get("type"), labels.get("outcome")
        parts.append("%s/%s=%d" % (kind, outcome, int(float(m.group(2)))))
print(" ".join(sorted(parts)))'
}
received() { metric consumer_messages_received_total; }
settled() { metric consumer_messages_total; }
processed_orders() { metric consumer_messages_total type=order outcome=processed; }
processed_orders_at_least() { [ "$(processed_orders)" -ge "$1" ]; }
dead_letters_at_least() { [ "$(rcli XLEN consumer:dead-letter)" -ge "$1" ]; }
contains_all() { local text=$1 word; shift; for word; do case "$text" in *"$word"*) ;; *) return 1 ;; esac; done; }

# wait_until SECONDS COMMAND...: poll every 0.5 s; 0 when it held in time
wait_until() {
	local deadline=$(( $(date +%s) + $1 )); shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}
consumer_up() { [ "$(status_of /actuator/health/consumer)" = UP ]; }
readiness_up() { [ "$(status_of /actuator/health/readiness)" = UP ]; }
is_healthy() { [ "$(health_state)" = healthy ]; }
all_settled() { # received equals the sum of outcomes, and nothing is buffered or in flight
	local body r s
	r=$(received); s=$(settled)
	body=$(http /actuator/consumer)
	[ -n "$r" ] && [ "$r" = "$s" ] && echo "$body" | python3 -c '
import json, sys
b = json.load(sys.stdin); sys.exit(0 if b["queueDepth"] == 0 and b["inFlight"] == 0 else 1)'
}

# publish_orders COUNT PREFIX: COUNT orders, pipelined from inside the redis container (POSIX sh +
# awk, as the real redis:7-alpine has only busybox), as fast as redis-cli --pipe sends them.
AWK_ORDERS='BEGIN {
	for (i = 1; i <= n; i++) {
		p = "{\"type\":\"order\",\"id\":\"" prefix "-" i "\",\"customerId\":\"c-" i "\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":2.5}],\"total\":2.5,\"currency\":\"EUR\"}"
		printf "*3\r\n$7\r\nPUBLISH\r\n$6\r\norders\r\n$%d\r\n%s\r\n", length(p), p
	}
}'
publish_orders() {
	compose exec -T redis sh -c 'LC_ALL=C awk -v n="$1" -v prefix="$2" "$3" | redis-cli --pipe' sh "$1" "$2" "$AWK_ORDERS"
}

cleanup() {
	[ -n "${STATS_PID:-}" ] && kill "$STATS_PID" 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then
		say "KEEP=1: the compose project stays up (docker compose down -v to remove it)"
	else
		compose down -v --remove-orphans >/dev/null 2>&1
	fi
}

# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------
preflight() {
	section "Preflight"
	docker compose version >/dev/null 2>&1 || { echo "docker compose (v2) not found" >&2; exit 2; }
	say "engine $(docker version -f '{{.Server.Version}}'), $(docker compose version --short | sed 's/^/compose /')"
	if [ -z "${MESSAGE_CONSUMER_PORT:-}" ]; then
		MESSAGE_CONSUMER_PORT=8080
		if ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE '[:.]8080$'; then
			MESSAGE_CONSUMER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
			say "port 8080 is taken on the host: publishing the service on $MESSAGE_CONSUMER_PORT"
		fi
	fi
	export MESSAGE_CONSUMER_PORT
	# Idempotent: whatever a previous run left behind goes first.
	compose down -v --remove-orphans >/dev/null 2>&1
	trap cleanup EXIT
}

build_and_start() {
	section "docker compose up --build -d"
	local t0 t1
	t0=$(now)
	if ! compose up --build -d > "$LOG_DIR/up.log" 2>&1; then
		tail -n 30 "$LOG_DIR/up.log"
		record "docker compose up --build -d" "succeeds" "failed (see $LOG_DIR/up.log)" 1
		exit 1
	fi
	t1=$(now)
	BUILD_SECONDS=$(elapsed "$t0" "$t1")
	local cached
	cached=$(grep -cE '^#[0-9]+ CACHED' "$LOG_DIR/up.log")
	info "up --build -d (build, create, start)" "${BUILD_SECONDS} s (${cached} cached build steps)"
	info "image size" "$(docker image inspect -f '{{.Size}}' "$(docker inspect -f '{{.Image}}' "$(cid "$SERVICE")")" | awk '{printf "%.0f MB", $1/1e6}')"
}

time_to_healthy() {
	section "Start to ready to healthy"
	local started ready="" state
	started=$(epoch "$(docker inspect -f '{{.State.StartedAt}}' "$(cid "$SERVICE")")")
	# Poll readiness from the host until it is UP and Docker says healthy.
	local deadline=$(( $(date +%s) + 120 ))
	while :; do
		if [ -z "$ready" ] && readiness_up; then ready=$(now); fi
		state=$(health_state)
		[ -n "$ready" ] && [ "$state" = healthy ] && break
		if [ "$(date +%s)" -ge "$deadline" ] || [ "$state" = unhealthy ]; then
			record "container healthy" "within 120 s" "$state after 120 s" 1
			compose logs --tail 40 "$SERVICE"
			exit 1
		fi
		sleep 0.2
	done
	# Docker's own time: the end of the first successful probe.
	local healthy
	healthy=$(epoch "$(docker inspect -f '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End}}{{"\n"}}{{end}}{{end}}' "$(cid "$SERVICE")" | head -n 1)")
	# The log line, when the service prints one, is the earlier sign of readiness.
	local line logged
	line=$(compose logs -t --no-log-prefix "$SERVICE" 2>/dev/null | grep -m 1 'Ready to consume:')
	if [ -n "$line" ]; then
		logged=$(epoch "${line%% *}")
		say "log: ${line#* }"
		if le "$logged" "$ready"; then ready=$logged; fi
	fi
	local started_to_ready ready_to_healthy
	started_to_ready=$(elapsed "$started" "$ready")
	ready_to_healthy=$(elapsed "$ready" "$healthy")
	info "container start -> ready" "${started_to_ready} s"
	info "container start -> healthy" "$(elapsed "$started" "$healthy") s"
	check "ready -> healthy" "<= ${HEALTHY_AFTER_READY_MAX} s" "${ready_to_healthy} s" le "$ready_to_healthy" "$HEALTHY_AFTER_READY_MAX"
	local noisy
	noisy=$(docker inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' "$(cid "$SERVICE")" | grep -c 'Picked up' )
	check "health log free of 'Picked up ...'" "0 lines" "$noisy lines" eq "$noisy" 0
}

demo() {
	section "README demo"
	rcli PUBLISH orders '{"type":"order","id":"A-1001","customerId":"c-7","items":[{"sku":"SKU-1","quantity":2,"unitPrice":9.5}],"total":19.0,"currency":"EUR"}' >/dev/null
	rcli PUBLISH orders '{"type":"order","id":"A-1001"}' >/dev/null
	rcli PUBLISH notifications '{"type":"notification","id":"n-1","message":"Your order shipped","recipient":"c-7"}' >/dev/null
	rcli PUBLISH orders 'not json' >/dev/null
	wait_until 10 dead_letters_at_least 1
	wait_until 10 all_settled
	local order status dead
	order=$(rcli HGETALL orders:A-1001 | tr '\n' ' ')
	say "HGETALL orders:A-1001 -> $order"
	status=$(rcli HGET orders:A-1001 status)
	check "demo order stored" "status=received" "status=$status" eq "$status" received
	dead=$(rcli --raw XRANGE consumer:dead-letter - + | tr -d '\r' | grep -cx invalid_json)
	check "demo 'not json' dead-lettered" "1 invalid_json" "$dead invalid_json" eq "$dead" 1
	local totals
	totals=$(http /actuator/consumer | python3 -c 'import json,sys; t=json.load(sys.stdin)["totals"]; print(" ".join(f"{k}={v}" for k,v in t.items()))')
	say "/actuator/consumer totals: $totals"
	check "demo outcomes (/actuator/consumer)" "processed=2 duplicate=1 rejected=1" "$totals" \
		contains_all "$totals" processed=2 duplicate=1 rejected=1
	say "/actuator/prometheus outcomes: $(outcomes)"
}

hardening() {
	section "Hardening"
	local status uid capeff nnp ro
	status=$(compose exec -T "$SERVICE" cat /proc/1/status)
	uid=$(echo "$status" | awk '/^Uid:/ {print $2 "/" $3}')
	capeff=$(echo "$status" | awk '/^CapEff:/ {print $2}')
	nnp=$(echo "$status" | awk '/^NoNewPrivs:/ {print $2}')
	check "runs as uid 10001 (pid 1, real/effective)" "10001/10001" "$uid" eq "$uid" 10001/10001
	check "no capabilities (CapEff of pid 1)" "0000000000000000" "$capeff" eq "$capeff" 0000000000000000
	check "no-new-privileges (NoNewPrivs)" "1" "$nnp" eq "$nnp" 1
	# As root in the container (still without capabilities), who owns / and could write there but
	# for the read-only mount; uid 10001 would be refused by the permissions alone.
	ro=$(compose exec -T -u 0 "$SERVICE" sh -c 'echo x > /written-by-check' 2>&1 | grep -o 'Read-only file system' | head -n 1)
	check "read-only root filesystem (write to / as root)" "Read-only file system" "${ro:-write succeeded}" eq "$ro" "Read-only file system"
	local tmp
	if compose exec -T "$SERVICE" sh -c 'echo x > /tmp/written-by-check && rm /tmp/written-by-check'; then tmp=writable; else tmp=refused; fi
	check "/tmp (tmpfs) writable" "writable" "$tmp" eq "$tmp" writable
}

# after_disruption NAME: wait for the consumer to resubscribe, then ORDERS orders all processed
orders_after() {
	local name=$1 t0 before after waited
	t0=$(now)
	if ! wait_until 90 consumer_up; then
		record "$name: consumer health UP again" "within 90 s" "$(status_of /actuator/health/consumer)" 1
		return
	fi
	waited=$(elapsed "$t0" "$(now)")
	say "$name: consumer health UP ${waited} s after Redis answered again; reconnects so far: $(metric consumer_redis_reconnects_total)"
	before=$(processed_orders)
	publish_orders "$ORDERS" "$name-$RUN_ID" >/dev/null
	wait_until 30 processed_orders_at_least $((before + ORDERS))
	wait_until 10 all_settled
	after=$(processed_orders)
	check "$name: $ORDERS orders processed" "$ORDERS" "$((after - before))" eq "$((after - before))" "$ORDERS"
	say "$name: consumer.redis.reconnects now $(metric consumer_redis_reconnects_total)"
}

redis_restart() {
	section "docker compose restart redis"
	compose restart redis >/dev/null 2>&1
	orders_after redis-restart
}

redis_outage() {
	section "Redis stopped for ${OUTAGE} s"
	compose stop redis >/dev/null 2>&1
	sleep "$OUTAGE"
	say "during the outage: readiness $(status_of /actuator/health/readiness), Docker health $(health_state)"
	compose start redis >/dev/null 2>&1
	wait_until 30 sh -c '[ "$(docker inspect -f "{{.State.Health.Status}}" "$(docker compose ps -q redis)")" = healthy ]'
	orders_after redis-outage
}

burst() {
	section "Burst: $BURST orders from inside the redis container"
	local r0 overflow0 written0 dropped0 xlen0
	r0=$(received); overflow0=$(metric consumer_overflow_total); written0=$(metric consumer_dead_letters_total)
	dropped0=$(metric consumer_dead_letters_dropped_total); xlen0=$(rcli XLEN consumer:dead-letter)
	local out0 ; out0=$(outcomes)
	local limit0=
	if [ -n "$BURST_OUTPUT_BUFFER" ]; then
		limit0=$(rcli CONFIG GET client-output-buffer-limit | tr -d '\r' | sed -n 2p)
		rcli CONFIG SET client-output-buffer-limit "pubsub $BURST_OUTPUT_BUFFER $BURST_OUTPUT_BUFFER 0" >/dev/null
		info "burst: pub/sub output-buffer limit" "$BURST_OUTPUT_BUFFER (was: ${limit0#*pubsub })"
	fi
	# Memory, sampled by docker stats during the burst and until it is settled.
	: > "$LOG_DIR/stats"
	( while :; do docker stats --no-stream --format '{{.MemUsage}}' "$(cid "$SERVICE")" >> "$LOG_DIR/stats" 2>/dev/null; sleep 0.5; done ) &
	STATS_PID=$!
	local t0 t1 reply
	t0=$(now)
	reply=$(publish_orders "$BURST" "burst-$RUN_ID" | tr '\r\n' '  ')
	t1=$(now)
	say "redis-cli --pipe: $reply"
	info "burst published in" "$(elapsed "$t0" "$t1") s ($BURST PUBLISH)"
	local settled_ok=0
	wait_until 300 all_settled && settled_ok=1
	local t2; t2=$(now)
	# The dead-letter writer: until XLEN stops growing.
	local last=-1 x
	for _ in $(seq 1 20); do x=$(rcli XLEN consumer:dead-letter); [ "$x" = "$last" ] && break; last=$x; sleep 1; done
	sleep 1
	kill "$STATS_PID" 2>/dev/null; wait "$STATS_PID" 2>/dev/null; STATS_PID=
	[ -n "$limit0" ] && rcli CONFIG SET client-output-buffer-limit "$limit0" >/dev/null
	local r overflow written dropped xlen
	r=$(( $(received) - r0 )); overflow=$(( $(metric consumer_overflow_total) - overflow0 ))
	written=$(( $(metric consumer_dead_letters_total) - written0 ))
	dropped=$(( $(metric consumer_dead_letters_dropped_total) - dropped0 ))
	xlen=$(( $(rcli XLEN consumer:dead-letter) - xlen0 ))
	info "burst: published -> all settled" "$(elapsed "$t0" "$t2") s"
	check "burst: received = sum of outcomes" "equal, nothing in flight" "received $r; $( [ $settled_ok = 1 ] && echo settled || echo 'NOT settled in 300 s')" eq "$settled_ok" 1
	check "burst: every published order received" "$BURST" "$r" eq "$r" "$BURST"
	say "outcomes before: $out0"
	say "outcomes after:  $(outcomes)"
	info "burst: overflowed (consumer.overflow)" "$overflow"
	info "burst: dead letters written (meter / XLEN)" "$written / $xlen"
	check "burst: dead letters dropped" "0" "$dropped" eq "$dropped" 0
	local peak
	peak=$(python3 - "$LOG_DIR/stats" <<'EOF'
import re, sys
units = {"B": 1 / 2**20, "KiB": 1 / 1024, "MiB": 1, "GiB": 1024}
peak = 0.0
samples = 0
for line in open(sys.argv[1]):
    m = re.match(r"\s*([\d.]+)\s*([KMG]?i?B)", line)
    if m:
        samples += 1
        peak = max(peak, float(m.group(1)) * units[m.group(2)])
print(f"{peak:.0f} {samples}")
EOF
)
	check "burst: peak memory (docker stats, ${peak#* } samples)" "< ${MEM_LIMIT_MIB} MiB" "${peak% *} MiB" le "${peak% *}" "$((MEM_LIMIT_MIB - 1))"
	local cg
	cg=$(compose exec -T "$SERVICE" sh -c 'cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.peak 2>/dev/null' | awk '{printf "%.0f MiB", $1/1048576}')
	[ -n "$cg" ] && info "cgroup peak since start (incl. page cache)" "$cg"
	info "after the burst: docker stats" "$(docker stats --no-stream --format '{{.MemUsage}} CPU {{.CPUPerc}}' "$(cid "$SERVICE")")"
	local summary
	summary=$(compose logs --no-log-prefix "$SERVICE" 2>/dev/null | grep -E 'Buffers full|overflow' | tail -n 3)
	[ -n "$summary" ] && say "overflow log lines (last 3):" && echo "$summary" | sed 's/^/    /'
}

stop_service() {
	section "docker compose stop $SERVICE, $STOP_BURST orders just published"
	local t0 t1 code drained pub
	# Orders still buffered when SIGTERM comes: the drain has work to do. Those published after
	# the service unsubscribed reach nobody (PUBLISH answers 0); they are not counted.
	publish_orders "$STOP_BURST" "stop-$RUN_ID" >/dev/null 2>&1 &
	pub=$!
	sleep 1
	info "buffered at SIGTERM (queueDepth + inFlight)" "$(http /actuator/consumer | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["queueDepth"] + b["inFlight"])')"
	t0=$(now)
	compose stop "$SERVICE" >/dev/null 2>&1
	t1=$(now)
	wait "$pub"
	code=$(docker inspect -f '{{.State.ExitCode}}' "$(cid "$SERVICE")")
	local stop_seconds; stop_seconds=$(elapsed "$t0" "$t1")
	check "stop inside the grace period" "< ${GRACE} s" "${stop_seconds} s" le "$stop_seconds" "$((GRACE - 1))"
	check "exit code after SIGTERM" "0 or 143 (not 137)" "$code" sh -c '[ "$0" = 0 ] || [ "$0" = 143 ]' "$code"
	drained=$(compose logs --no-log-prefix "$SERVICE" 2>/dev/null | grep -o 'Drained .*' | tail -n 1)
	check "drain in the log" "a 'Drained ...' line" "${drained:-none}" test -n "$drained"
}

print_summary() {
	section "Summary"
	printf '%-44s | %-22s | %-34s | %s\n' "check" "expected" "actual" "result"
	printf '%s\n' "---------------------------------------------+------------------------+------------------------------------+-------"
	printf '%s\n' "${SUMMARY[@]}"
	echo
	if [ "$FAILURES" -eq 0 ]; then echo "CONTAINER CHECK PASSED"; else echo "CONTAINER CHECK FAILED: $FAILURES expectation(s)"; fi
	echo "logs: $LOG_DIR"
}

LOG_DIR=$(mktemp -d -t container-check.XXXXXX)
preflight
build_and_start
time_to_healthy
demo
hardening
redis_restart
redis_outage
burst
compose logs --no-color > "$LOG_DIR/compose.log" 2>&1
stop_service
compose logs --no-color > "$LOG_DIR/compose.log" 2>&1
print_summary
[ "$FAILURES" -eq 0 ]
