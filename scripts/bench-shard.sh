#!/usr/bin/env bash
# Redis CPU per message on each node of a three-master cluster: classic pub/sub (PUBLISH, carried
# over the cluster bus to every node) against sharded pub/sub (SPUBLISH, kept on the slot owner).
#
#   scripts/bench-shard.sh [messages-per-channel]     (default 200000; needs redis-server,
#                                                      redis-cli and redis-benchmark 7+ on the PATH)
#
# Three channels, one per master (the slots of shard-orders-a, -c, -b), each published on its
# owner with redis-benchmark (2 connections, pipelines of 16) and received by one subscriber:
# classic, one SUBSCRIBE connection on the first node for all three (as the service holds);
# sharded, one SSUBSCRIBE connection per owner (as the service holds). The subscribers are
# redis-cli processes: what Redis spends does not depend on the client. Redis's CPU is
# used_cpu_user + used_cpu_sys of INFO cpu on each node, read before and after each run.
set -euo pipefail

PER_CHANNEL=${1:-200000}
CHANNELS=(shard-orders-a shard-orders-c shard-orders-b)
PAYLOAD='{"type":"order","id":"bench-1","customerId":"c-7","items":[{"sku":"SKU-1","quantity":2,"unitPrice":9.5}],"total":19.0,"currency":"EUR"}'
WORK=$(mktemp -d)
PIDS=()
PORTS=()

cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for port in "${PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { # below 55536: a cluster node also listens on its port + 10000
	python3 -c '
import socket
while True:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    if port < 55000:
        print(port); break'
}

for i in 0 1 2; do
	port=$(free_port)
	PORTS+=("$port")
	mkdir -p "$WORK/$port"
	(cd "$WORK/$port" && redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
		--cluster-config-file nodes.conf --save '' --appendonly no --daemonize yes --logfile redis.log)
done
for port in "${PORTS[@]}"; do
	until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
done
redis-cli --cluster create "127.0.0.1:${PORTS[0]}" "127.0.0.1:${PORTS[1]}" "127.0.0.1:${PORTS[2]}" \
	--cluster-replicas 0 --cluster-yes >/dev/null
until [ "$(for p in "${PORTS[@]}"; do redis-cli -p "$p" cluster info | grep -c 'cluster_state:ok'; done | paste -sd+ | bc)" = 3 ]; do
	sleep 0.2
done

owner_port() { # the port of the master that owns a channel's slot
	local slot
	slot=$(redis-cli -p "${PORTS[0]}" cluster keyslot "$1")
	for port in "${PORTS[@]}"; do
		if redis-cli -p "$port" cluster nodes | grep myself | tr ' ' '\n' | tail -n +9 |
			awk -F- -v s="$slot" '{ if (s >= $1 && s <= ($2 == "" ? $1 : $2)) found=1 } END { exit !found }'; then
			echo "$port"
			return
		fi
	done
}

cpu() { # used_cpu_user + used_cpu_sys of a node, in seconds
	redis-cli -p "$1" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { t += $2 } END { printf "%.6f", t }'
}

run() { # $1 = classic | sharded
	local mode=$1 publish
	if [ "$mode" = classic ]; then
		redis-cli -p "${PORTS[0]}" subscribe "${CHANNELS[@]}" >/dev/null &
		PIDS+=($!)
		publish=PUBLISH
	else
		for channel in "${CHANNELS[@]}"; do
			redis-cli -p "$(owner_port "$channel")" ssubscribe "$channel" >/dev/null &
			PIDS+=($!)
		done
		publish=SPUBLISH
	fi
	sleep 1
	declare -A before
	for port in "${PORTS[@]}"; do before[$port]=$(cpu "$port"); done
	local started=$(date +%s.%N)
	local publishers=()
	for channel in "${CHANNELS[@]}"; do
		redis-benchmark -p "$(owner_port "$channel")" -c 2 -P 16 -n "$PER_CHANNEL" -q \
			"$publish" "$channel" "$PAYLOAD" >/dev/null &
		publishers+=($!)
	done
	wait "${publishers[@]}"
	local elapsed
	elapsed=$(echo "$(date +%s.%N) - $started" | bc)
	local total=$((PER_CHANNEL * 3)) sum=0
	printf '| %s | %s |' "$mode" "$(printf '%.0f' "$(echo "$total / $elapsed" | bc -l)")"
	for port in "${PORTS[@]}"; do
		local used
		used=$(echo "$(cpu "$port") - ${before[$port]}" | bc -l)
		sum=$(echo "$sum + $used" | bc -l)
		printf ' %.2f |' "$(echo "$used * 1000000 / $total" | bc -l)"
	done
	printf ' %.2f |\n' "$(echo "$sum * 1000000 / $total" | bc -l)"
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	PIDS=()
	sleep 1
}

echo "$((PER_CHANNEL * 3)) messages, ${PER_CHANNEL} per channel; Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2)"
echo
echo "| pub/sub | msg/s (all publishers) | node 1 µs/msg | node 2 µs/msg | node 3 µs/msg | cluster µs/msg |"
echo "|---|---|---|---|---|---|"
run classic
run sharded
run classic
run sharded
