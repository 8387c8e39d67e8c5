#!/usr/bin/env bash
# What the broker and the load generator reach on this machine with no agent at all: the ceiling of any load test
# here. Starts a private Mosquitto (as loadtest.sh does), a `mosquitto_sub` on the sensor topics at the same QoS in
# place of the agent (a C client that only reads and acknowledges: it stands for an agent that costs nothing and
# publishes no predictions), and `ssm-edge loadgen` asking for more than can go through. Prints the samples per
# second sent and the cores each process used, every line prefixed with the settings.
#
# usage: bench/agent/broker-ceiling.sh [STREAMS (1000)] [RATE_HZ (100)] [DURATION_S (10)] [BATCH (1)]
#   e.g. bench/agent/broker-ceiling.sh                  (1 sample per message, QoS 1: 100,000 samples/s asked)
#        bench/agent/broker-ceiling.sh 1000 400 10 10   (10 samples per message: 400,000 samples/s asked)
# Environment: QOS (1), CONNECTIONS (0: the load generator's default), WARMUP (5), BROKER_INFLIGHT (1000),
#   LOADGEN_JAVA_OPTS (-XX:+UseSerialGC -Xms64m -Xmx256m, as loadtest.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$here/bench/agent/lib.sh"
streams=${1:-1000}; rate=${2:-100}; duration=${3:-10}; batch=${4:-1}
qos=${QOS:-1}; warmup=${WARMUP:-5}
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || { echo "broker-ceiling: install mosquitto (apt-get install mosquitto)" >&2; exit 1; }
command -v mosquitto_sub >/dev/null || { echo "broker-ceiling: install mosquitto_sub (apt-get install mosquitto-clients)" >&2; exit 1; }
"$here/ssm-edge" --version >/dev/null   # builds the jar on first use
loadgen_opts=${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m}
tag="[no agent: mosquitto_sub instead; $streams streams x $rate Hz, $batch/msg, QoS $qos, loadgen connections ${CONNECTIONS:-auto}, broker max_inflight ${BROKER_INFLIGHT:-1000}, load generator JVM: $loadgen_opts]"

work=$(mktemp -d -t ssm-edge-ceiling.XXXXXX)
port=$(free_port)
write_mosquitto_conf "$work/mosquitto.conf" "$port"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$mosquitto" -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" & broker=$!; pids+=($broker)
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
mosquitto_sub -h 127.0.0.1 -p "$port" -q "$qos" -t 'factory/line3/+/sensors' >/dev/null & consumer=$!; pids+=($consumer)
echo "$tag machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
# cores of each process during the measured seconds (see lib.sh)
measure_cores $(( warmup + 1 )) $(( duration - 2 )) "loadgen --broker tcp://127.0.0.1:$port " \
  broker="$broker" mosquitto_sub="$consumer" > "$work/cores" & sampler=$!
java $loadgen_opts -jar "$here/agent/target/ssm-edge.jar" loadgen --broker "tcp://127.0.0.1:$port" --streams "$streams" \
  --rate "$rate" --batch "$batch" --qos "$qos" --duration "$duration" --warmup "$warmup" --connections "${CONNECTIONS:-0}" \
  2>"$work/loadgen.log" | grep -E "^(Load|Sent) " | sed "s|^|$tag |" \
  || { echo "$tag loadgen failed:"; grep -v "^\s*at " "$work/loadgen.log" | tail -5; }
wait "$sampler" 2>/dev/null || true
echo "$tag cores during the measured seconds: $(cat "$work/cores" 2>/dev/null || echo "?")"
