#!/usr/bin/env bash
# End-to-end load test of the agent on this machine, loopback only:
# starts a private Mosquitto on a free 127.0.0.1 port, the agent (`ssm-edge run`) against it, then
# `ssm-edge loadgen`; prints the loadgen report and the agent's RSS, then stops everything it started.
#
# usage: bench/agent/loadtest.sh STREAMS RATE_HZ [DURATION_S] [STRIDE] [BATCH] [WORKERS]
#   e.g. bench/agent/loadtest.sh 1000 10 30 60 1 1
# Environment: SSM_EDGE_JAVA_OPTS (JVM options of the agent), WINDOW (default 60), STAGGER (default: the
# stride, so the streams' windows end at different moments; 0 = all streams predict at the same moment).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
streams=${1:?streams}; rate=${2:?rate}; duration=${3:-30}; stride=${4:-60}; batch=${5:-1}; workers=${6:-1}
window=${WINDOW:-60}
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || { echo "loadtest: install mosquitto (apt-get install mosquitto)" >&2; exit 1; }
"$here/ssm-edge" --version >/dev/null   # builds the jar on first use

work=$(mktemp -d -t ssm-edge-loadtest.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mqtt_port=$(free_port); http_port=$(free_port)
cat > "$work/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
set_tcp_nodelay true
allow_anonymous true
persistence false
max_queued_messages 1000000
max_inflight_messages 1000
log_dest stderr
log_type error
CONF
cat > "$work/agent.yaml" <<CONF
model:
  path: embedded:s5-skab
  stage: loadtest
  window: {length: $window, stride: $stride}
mqtt: {host: 127.0.0.1, port: $mqtt_port, version: 5, client_id: loadtest-agent, max_inflight: 1000}
topics:
  sensors: factory/line3/+/sensors
  sensors_qos: 0
  predictions: factory/line3/{stream}/predictions
  predictions_qos: 1
workers: {threads: $workers, queue_capacity: 100000, overflow: drop-oldest, max_streams: 100000}
http: {bind: 127.0.0.1, port: $http_port}
metrics: {report_interval_seconds: 5}
CONF
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$mosquitto" -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" & pids+=($!)
java --add-modules jdk.incubator.vector -Dssmedge.vector=true ${SSM_EDGE_JAVA_OPTS:-} -jar "$here/agent/target/ssm-edge.jar" run --config "$work/agent.yaml" 2>"$work/agent.log" &
agent=$!; pids+=($agent)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null || { echo "agent not ready:"; cat "$work/agent.log"; exit 1; }
echo "loadtest: $streams streams x $rate Hz, window $window stride $stride, batch $batch, $workers worker(s), agent JVM opts: ${SSM_EDGE_JAVA_OPTS:-(none)}"
java -jar "$here/agent/target/ssm-edge.jar" loadgen --broker "tcp://127.0.0.1:$mqtt_port" --streams "$streams" \
  --rate "$rate" --batch "$batch" --duration "$duration" --warmup 10 --stagger "${STAGGER:-$stride}" \
  --metrics-url "http://127.0.0.1:$http_port/metrics" 2>"$work/loadgen.log"
echo "agent VmRSS/VmHWM: $(grep -E 'VmRSS|VmHWM' /proc/$agent/status | tr -s ' ' | tr '\n' ' ')"
echo "latency per stage (ms, since start): $(curl -s "http://127.0.0.1:$http_port/api/status" | grep -o '"latency_ms":.*,"memory"' | sed 's/,"memory"$//')"
curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^(ssm_edge_(state_bytes|streams)|jvm_memory_used_bytes\{area="heap"\}) ' || true
curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^ssm_edge_(rejected|dropped)_messages_total' | grep -v " 0$" || true
grep -m3 "ErrorReporter" "$work/agent.log" || true
grep -E "samples/s" "$work/agent.log" | tail -2 || true
