#!/usr/bin/env bash
# Cost of exactly-once predictions (BENCHMARKS.md "Agent: cost of exactly once"): one agent and a private Mosquitto
# on free 127.0.0.1 ports, loadgen for 10 s warm-up + 30 s, then the agent is stopped and prints how long its
# predictions waited from their journal record to the MQTT client.
#   bench/agent/journal-latency.sh DURABILITY PREDICTIONS_QOS [STREAMS]     e.g. journal 2 20
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dur=${1:?durability: none, processed or journal}; qos=${2:?predictions QoS: 0, 1 or 2}; streams=${3:-20}
"$here/ssm-edge" --version >/dev/null   # builds the jar on first use
jar="$here/agent/target/ssm-edge.jar"
work="$(mktemp -d -t ssm-edge-journal-latency.XXXXXX)"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\nmax_inflight_messages 1000\n' \
  "$port" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & broker=$!
trap 'kill $broker 2>/dev/null || true' EXIT
sleep 1
cat > "$work/agent.yaml" <<A
model:
  path: embedded:s5-skab
mqtt: {host: 127.0.0.1, port: $port, version: '3.1.1', client_id: journal-latency}
topics:
  sensors: plant/+/sensors
  predictions: plant/{stream}/predictions
  predictions_qos: $qos
http: {enabled: false}
data_dir: $work/data
durability: $dur
A
java -Xmx512m -jar "$jar" run --config "$work/agent.yaml" > "$work/agent.log" 2>&1 & agent=$!
sleep 8
echo "durability $dur, predictions_qos $qos, $streams streams × 10 Hz ($(uptime | sed 's/.*load/load/'))"
java -Xmx512m -jar "$jar" loadgen --broker "tcp://127.0.0.1:$port" --streams "$streams" --rate 10 --duration 30 \
  --warmup 10 --qos 1 --topic 'plant/{stream}/sensors' --predictions 'plant/+/predictions' 2>&1 \
  | grep "Predictions\|End to end\|In the agent"
kill "$agent"; wait "$agent" || true
grep "published after their sync" "$work/agent.log" | sed 's/.*Outbox - //' || true
rm -rf "$work"
