# Shared by the agent benchmarks (loadtest.sh, broker-ceiling.sh): a private Mosquitto on a free loopback port and
# the CPU accounting from /proc. Source it; it defines functions only.

# a free TCP port on 127.0.0.1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# write_mosquitto_conf FILE PORT: Mosquitto on 127.0.0.1:PORT, anonymous, no persistence, Nagle off, queues large
# enough that the broker never drops for a slow subscriber; max_inflight_messages from BROKER_INFLIGHT (1000; 0 = no
# limit), which also caps an MQTT 5 client's receive window
write_mosquitto_conf() {
  cat > "$1" <<CONF
listener $2 127.0.0.1
set_tcp_nodelay true
allow_anonymous true
persistence false
max_queued_messages 1000000
max_inflight_messages ${BROKER_INFLIGHT:-1000}
log_dest stderr
log_type error
CONF
}

# CPU clock ticks (user + system) a process has used so far: /proc/PID/stat fields 14 and 15; 0 when it is gone
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0; }
# the machine's non-idle clock ticks so far (/proc/stat: user, nice, system, irq, softirq, steal)
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# measure_cores DELAY SECONDS LOADGEN_PATTERN NAME=PID ...: after DELAY seconds, the cores each process used during
# the next SECONDS (and the load generator, found by `pgrep -f LOADGEN_PATTERN` once it runs, and the whole machine),
# printed as "NAME 0.48, ..., load generator 0.11; the machine 0.86 of 2"; run it in the background into a file
measure_cores() {
  local delay=$1 secs=$2 pattern=$3; shift 3
  sleep "$delay"
  local lg; lg=$(pgrep -f "$pattern" | head -1)
  local names=() pids=() before=() after=() i m0 m1 t0 t1
  for kv in "$@" "load generator=${lg:-0}"; do names+=("${kv%=*}"); pids+=("${kv##*=}"); done
  for i in "${!pids[@]}"; do before[i]=$(ticks "${pids[i]}"); done; m0=$(busy); t0=$(date +%s.%N)
  sleep "$secs"
  for i in "${!pids[@]}"; do after[i]=$(ticks "${pids[i]}"); done; m1=$(busy); t1=$(date +%s.%N)
  for i in "${!pids[@]}"; do printf '%s %s\n' "${names[i]}" $(( after[i] - before[i] )); done |
    awk -v m=$((m1 - m0)) -v hz="$(getconf CLK_TCK)" -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" -v n="$(nproc)" \
      '{v = $NF; $NF = ""; printf "%s%s%.2f", (NR > 1 ? ", " : ""), $0, v / hz / s} END{printf "; the machine %.2f of %d\n", m / hz / s, n}'
}

# write_agent_yaml FILE MQTT_PORT HTTP_PORT: the load tests' agent configuration, the agent's defaults unless the
# caller set them: window, stride, qos_in, qos_out, workers (variables) and MODEL, MQTT_VERSION, MAX_INFLIGHT,
# QUEUE_CAPACITY, OVERFLOW, MAX_STREAMS, REPORT_INTERVAL (environment; see loadtest.sh)
write_agent_yaml() {
  cat > "$1" <<CONF
model:
  path: ${MODEL:-embedded:s5-skab}
  stage: loadtest
  window: {length: $window, stride: $stride}
mqtt: {host: 127.0.0.1, port: $2, version: ${MQTT_VERSION:-5}, client_id: loadtest-agent, max_inflight: ${MAX_INFLIGHT:-1000}}
topics:
  sensors: factory/line3/+/sensors
  sensors_qos: $qos_in
  predictions: factory/line3/{stream}/predictions
  predictions_qos: $qos_out
workers: {threads: $workers, queue_capacity: ${QUEUE_CAPACITY:-100000}, overflow: ${OVERFLOW:-drop-oldest}, max_streams: ${MAX_STREAMS:-100000}}
http: {bind: 127.0.0.1, port: $3}
metrics: {report_interval_seconds: ${REPORT_INTERVAL:-10}}
CONF
}
