#!/usr/bin/env bash
# End-to-end load test of the agent on this machine, loopback only:
# starts a private Mosquitto on a free 127.0.0.1 port, the agent (`ssm-edge run`, with the launcher's JVM options
# from deploy/jvm.options) against it, then `ssm-edge loadgen`; prints the loadgen report and the agent's memory,
# every result line prefixed with the settings of the run, then stops everything it started.
#
# usage: bench/agent/loadtest.sh STREAMS RATE_HZ [DURATION_S] [STRIDE] [BATCH] [WORKERS]
#   e.g. bench/agent/loadtest.sh 1000 10            (the agent's defaults: window 60, stride 8, QoS 1 in and out)
#        bench/agent/loadtest.sh 1000 10 30 60      (stride 60, for comparison with older figures)
# Defaults are the agent's: STRIDE 8, BATCH 1 sample per message, WORKERS 1.
# Environment:
#   WINDOW (60)          window length
#   MODEL (embedded:s5-skab) the agent's model (a folder with config.json + model.safetensors); the load generator
#                        sends as many values per sample as it has channels
#   QOS_IN (1)           QoS of the sensor messages (loadgen and the agent's subscription)
#   QOS_OUT (1)          QoS of the predictions
#   SHADOW (0)           1 = a shadow model of the serving model's size on every stream
#   SSM_EDGE_JAVA_OPTS   extra JVM options of the agent, after deploy/jvm.options (they override it)
#   JAVA_HOME_AGENT      run the agent on another JDK (e.g. /usr/lib/jvm/temurin-25-jdk-amd64, to try ZGC)
#   STAGGER (the stride) so the streams' windows end at different moments; 0 = all predict at the same moment
#   JFR (unset)          a file name: record the agent with Java Flight Recorder (allocation, GC pauses)
#   AGENT_LOG (unset)    a file name: keep the agent's log there (its MetricsReporter lines: rates and latencies)
#   REPORT_INTERVAL (10, the agent's default) metrics.report_interval_seconds, e.g. 1 for per-second figures in AGENT_LOG
#   MAX_INFLIGHT (1000)  the agent's mqtt.max_inflight (its MQTT 5 receive maximum for sensor messages, too)
#   BROKER_INFLIGHT (1000) Mosquitto's max_inflight_messages (0 = no limit)
#   CONNECTIONS (0)      the load generator's sender connections (0: one per 40,000 messages/s, at most 8)
#   QUEUE_CAPACITY (100000), MAX_STREAMS (100000): the agent's workers.queue_capacity and workers.max_streams
#   OVERFLOW (drop-oldest, the agent's default): workers.overflow; block = nothing dropped, the intake slows down
#                        (the agent's own defaults are 10000 and 10000; the load test's larger queue absorbs bursts)
#   PCAP (unset)         a file name: capture the broker's port during the measured seconds (tcpdump, loopback)
#                        and print the latency of each hop (bench/agent/hops.py): load generator, broker, agent
#                        (split into read, worker and output from the predictions' own latency_ms fields)
#   PCAP_SNAPLEN (1000)  bytes captured per packet (the agent's split needs the whole prediction)
#   LOADGEN_JAVA_OPTS (-XX:+UseSerialGC -Xms64m -Xmx256m) JVM options of the load generator: one GC thread, as the
#                        agent; with the JVM's default (G1, whose parallel GC threads take both cores during a pause)
#                        the end-to-end p99 of the default row was 5.1-6.3 ms against 4.0-4.8 (issue #12, tenth session)
#   BROKER_WRAP, AGENT_WRAP (unset) a command put in front of the broker's or the agent's, e.g. scheduling:
#                        BROKER_WRAP='chrt -f 10' (real-time broker), AGENT_WRAP='chrt -b 0' (SCHED_BATCH agent)
#   AGENT_JAR            run the agent from another build (e.g. to compare before/after a change; the load
#                        generator always runs from agent/target/ssm-edge.jar)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$here/bench/agent/lib.sh"
streams=${1:?streams}; rate=${2:?rate}; duration=${3:-30}; stride=${4:-8}; batch=${5:-1}; workers=${6:-1}
window=${WINDOW:-60}; qos_in=${QOS_IN:-1}; qos_out=${QOS_OUT:-1}; shadow=${SHADOW:-0}
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || { echo "loadtest: install mosquitto (apt-get install mosquitto)" >&2; exit 1; }
"$here/ssm-edge" --version >/dev/null   # builds the jar on first use
java_agent=${JAVA_HOME_AGENT:+$JAVA_HOME_AGENT/bin/}java

work=$(mktemp -d -t ssm-edge-loadtest.XXXXXX)
mqtt_port=$(free_port); http_port=$(free_port)
write_mosquitto_conf "$work/mosquitto.conf" "$mqtt_port"
write_agent_yaml "$work/agent.yaml" "$mqtt_port" "$http_port"
jvm_opts="@deploy/jvm.options ${SSM_EDGE_JAVA_OPTS:-}"
loadgen_opts=${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m}
jfr_opts=${JFR:+-XX:StartFlightRecording=filename=$JFR,settings=profile}
shadow_flag=""; [ "$shadow" = "1" ] && shadow_flag="--load-test-shadow"
tag="[${MODEL:+model $MODEL, }$streams streams x $rate Hz, $batch/msg, window $window stride $stride, QoS $qos_in in/$qos_out out, shadow $([ "$shadow" = 1 ] && echo equal-size || echo none), $workers worker(s), max_inflight ${MAX_INFLIGHT:-1000}, loadgen connections ${CONNECTIONS:-auto}, JVM: ${jvm_opts% }${JAVA_HOME_AGENT:+ on $JAVA_HOME_AGENT}${AGENT_JAR:+, agent $AGENT_JAR}, load generator JVM: $loadgen_opts]"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${AGENT_LOG:-}" ] && cp "$work/agent.log" "$AGENT_LOG"; rm -rf "$work"; }
trap cleanup EXIT
${BROKER_WRAP:-} "$mosquitto" -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" & pids+=($!)
# the agent's JVM options are the launcher's (./ssm-edge run): deploy/jvm.options, then SSM_EDGE_JAVA_OPTS
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} ${AGENT_WRAP:-} "$java_agent" "@$here/deploy/jvm.options" ${SSM_EDGE_JAVA_OPTS:-} $jfr_opts -jar "${AGENT_JAR:-$here/agent/target/ssm-edge.jar}" \
  run --config "$work/agent.yaml" $shadow_flag 2>"$work/agent.log" &
agent=$!; pids+=($agent)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null || { echo "agent not ready:"; cat "$work/agent.log"; exit 1; }
# the agent takes its "RSS after start" 10 s after start (once the JIT's start-up memory is trimmed): wait for its
# log line, then read the figure once from /api/status. Not by polling /api/status meanwhile: each request makes the
# idle agent format its status and compile that code, which had put ~1.3 MB on the figure it measures (issue #12).
for _ in $(seq 30); do
  grep -aq "memory after start" "$work/agent.log" && break; sleep 1
done
rss_start=$(curl -s "http://127.0.0.1:$http_port/api/status" | grep -o '"rss_at_start_bytes":[0-9-]*' | cut -d: -f2)
echo "$tag machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$tag agent RSS right after start: $(awk -v b="${rss_start:--1}" 'BEGIN{printf "%.1f MB", b/1e6}')"
echo "$tag $(grep -ao 'streams: the heap.*' "$work/agent.log" | head -1)"
if [ -n "${PCAP:-}" ]; then
  command -v tcpdump >/dev/null || { echo "loadtest: PCAP needs tcpdump (apt-get install tcpdump)" >&2; exit 1; }
  (sleep $(( ${WARMUP:-10} + 1 )); timeout $(( duration - 1 )) tcpdump -i lo -s ${PCAP_SNAPLEN:-1000} -w "$PCAP" tcp port "$mqtt_port" \
    2>/dev/null || true) & capture=$!
fi
# cores used by the broker, the agent, the load generator and the whole machine during the measured seconds (from
# /proc: a process's utime + stime, the machine's non-idle time), to see which process fills the cores
measure_cores $(( ${WARMUP:-10} + 1 )) $(( duration - 2 )) "loadgen --broker tcp://127.0.0.1:$mqtt_port " \
  broker="${pids[0]}" agent="$agent" > "$work/cores" & sampler=$!
java $loadgen_opts -jar "$here/agent/target/ssm-edge.jar" loadgen --broker "tcp://127.0.0.1:$mqtt_port" --streams "$streams" \
  --model "${MODEL:-embedded:s5-skab}" \
  --rate "$rate" --batch "$batch" --qos "$qos_in" --duration "$duration" --warmup "${WARMUP:-10}" --stagger "${STAGGER:-$stride}" \
  --connections "${CONNECTIONS:-0}" \
  --metrics-url "http://127.0.0.1:$http_port/metrics" 2>"$work/loadgen.log" | sed "s|^|$tag |" \
  || { echo "$tag loadgen failed:"; grep -v "^\s*at " "$work/loadgen.log" | tail -5; }
if [ -n "${PCAP:-}" ]; then
  wait "$capture" || true
  python3 "$here/bench/agent/hops.py" "$PCAP" "$mqtt_port" | sed "s|^|$tag hops: |" || true
fi
wait "$sampler" 2>/dev/null || true
echo "$tag cores during the measured seconds: $(cat "$work/cores" 2>/dev/null || echo "?")"
# CPU seconds since start (user + system) of the agent and the broker: /proc/PID/stat fields 14 and 15, in clock ticks
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f (user %.1f, system %.1f)", ($14 + $15) / hz, $14 / hz, $15 / hz}' "/proc/$1/stat" 2>/dev/null || echo "?"; }
echo "$tag CPU s since start: agent $(cpu_s "$agent"), broker $(cpu_s "${pids[0]}")"
# the agent's threads by CPU seconds (user + system), largest first: which part of the agent spends the CPU
echo "$tag agent threads, CPU s: $(for t in /proc/$agent/task/*; do
  sed 's/.*) //' "$t/stat" | awk -v hz="$(getconf CLK_TCK)" -v n="$(tr ' ' '_' < "$t/comm")" '{printf "%.1f %s\n", ($12 + $13) / hz, n}'
done 2>/dev/null | sort -rn | head -8 | awk '{printf "%s %s; ", $2, $1}')"
echo "$tag agent VmRSS/VmHWM: $(grep -E 'VmRSS|VmHWM' /proc/$agent/status | tr -s ' ' | tr '\n' ' ')"
echo "$tag latency per stage (ms, since start): $(curl -s "http://127.0.0.1:$http_port/api/status" | grep -o '"latency_ms":.*,"memory"' | sed 's/,"memory"$//')"
curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^(ssm_edge_(state_bytes|streams)|jvm_memory_used_bytes\{area="heap"\}|jvm_gc_collection_seconds_(count|sum)) ' | sed "s|^|$tag |" || true
curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^ssm_edge_mqtt_reconnects_total' | sed "s|^|$tag |" || true
curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^ssm_edge_(rejected|dropped)_messages_total' | grep -v " 0$" | sed "s|^|$tag |" || true
grep -m3 "ErrorReporter\|ERROR" "$work/agent.log" | sed "s|^|$tag |" || true
grep -E "samples/s" "$work/agent.log" | tail -2 | sed "s|^|$tag |" || true
