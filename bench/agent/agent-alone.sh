#!/usr/bin/env bash
# The agent alone, with no broker in between: `ssm-edge loadgen --serve` stands in for the broker (it only feeds the
# agent's sensor subscription QoS 1 messages as fast as the agent confirms them, and confirms the agent's
# predictions), so the figure is what the agent itself processes on this machine, not what Mosquitto carries (on the
# 2-core benchmark machine Mosquitto fills its core first: bench/agent/broker-ceiling.sh). The agent runs as in
# loadtest.sh: its defaults, deploy/jvm.options. Prints the samples/s the agent confirmed, the predictions, the cores
# of the agent and the stand-in, the agent's CPU per sample and memory, every line prefixed with the settings.
#
# usage: bench/agent/agent-alone.sh [STREAMS (1000)] [DURATION_S (20)] [BATCH (1)] [STRIDE (8)] [WORKERS (1)]
#   e.g. bench/agent/agent-alone.sh                 (1 sample per message, the agent's defaults)
#        bench/agent/agent-alone.sh 1000 20 10      (10 samples per message)
# Environment: WARMUP (10), WINDOW (60), QOS_OUT (1), MODEL, MAX_INFLIGHT (1000: the agent's receive maximum, i.e.
#   the messages the stand-in keeps unconfirmed), SSM_EDGE_JAVA_OPTS, LOADGEN_JAVA_OPTS, AGENT_JAR (as loadtest.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$here/bench/agent/lib.sh"
streams=${1:-1000}; duration=${2:-20}; batch=${3:-1}; stride=${4:-8}; workers=${5:-1}
window=${WINDOW:-60}; qos_in=1; qos_out=${QOS_OUT:-1}; warmup=${WARMUP:-10}
"$here/ssm-edge" --version >/dev/null   # builds the jar on first use
loadgen_opts=${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m}
tag="[agent alone (loadgen --serve, no broker): ${MODEL:+model $MODEL, }$streams streams, $batch/msg, window $window stride $stride, QoS 1 in/$qos_out out, $workers worker(s), max_inflight ${MAX_INFLIGHT:-1000}, JVM: @deploy/jvm.options ${SSM_EDGE_JAVA_OPTS:-}${AGENT_JAR:+, agent $AGENT_JAR}, stand-in JVM: $loadgen_opts]"

work=$(mktemp -d -t ssm-edge-alone.XXXXXX)
feed_port=$(free_port); http_port=$(free_port)
write_agent_yaml "$work/agent.yaml" "$feed_port" "$http_port"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
java $loadgen_opts -jar "$here/agent/target/ssm-edge.jar" loadgen --serve "$feed_port" --streams "$streams" \
  --model "${MODEL:-embedded:s5-skab}" --batch "$batch" --duration "$duration" --warmup "$warmup" \
  >"$work/feed.out" 2>"$work/feed.log" & feed=$!; pids+=($feed)
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$feed_port") 2>/dev/null && break; sleep 0.1; done
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} java "@$here/deploy/jvm.options" ${SSM_EDGE_JAVA_OPTS:-} \
  -jar "${AGENT_JAR:-$here/agent/target/ssm-edge.jar}" run --config "$work/agent.yaml" 2>"$work/agent.log" & agent=$!; pids+=($agent)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null || { echo "agent not ready:"; cat "$work/agent.log"; exit 1; }
echo "$tag machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
measure_cores $(( warmup + 1 )) $(( duration - 2 )) "loadgen --serve $feed_port " agent="$agent" > "$work/cores" & sampler=$!
wait "$feed" || { echo "$tag the stand-in failed:"; grep -v "^\s*at " "$work/feed.log" | tail -5; }
wait "$sampler" 2>/dev/null || true
sed "s|^|$tag |" "$work/feed.out"
cores=$(sed 's/load generator/stand-in/' "$work/cores" 2>/dev/null || echo "?")
echo "$tag cores during the measured seconds: $cores"
processed=$(awk '/^Processed/{print $2}' "$work/feed.out")
echo "$tag agent CPU per sample: $(awk -v c="$(echo "$cores" | awk '{gsub(",","");print $2}')" -v n="${processed:-0}" \
  'BEGIN{if (n > 0) printf "%.1f µs", c / n * 1e6; else print "?"}')"
echo "$tag agent VmRSS/VmHWM: $(grep -E 'VmRSS|VmHWM' /proc/$agent/status | tr -s ' ' | tr '\n' ' ')"
curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^ssm_edge_(rejected|dropped)_messages_total' | grep -vE " 0(\.0)?$" | sed "s|^|$tag |" || true
grep -m3 "ERROR" "$work/agent.log" | sed "s|^|$tag |" || true
