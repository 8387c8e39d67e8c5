#!/usr/bin/env bash
# Reproduces the table "Agent at the defaults" of BENCHMARKS.md (issue #12's goals): each case is one run of
# bench/agent/loadtest.sh at the agent's defaults (window 60, stride 8, QoS 1 in and out, 1 worker on 2 cores,
# deploy/jvm.options), broker and load generator on the same machine. Prints one Markdown row per case with the
# machine load (uptime) at the start of the run, then (GC=1) the pause times of Serial, G1 and, when a JDK 21+ is
# installed, generational ZGC under the 1000 x 10 Hz load.
#
# usage: bench/agent/goals.sh [DURATION_S (30)]      e.g. GC=0 bench/agent/goals.sh 30
#   CASES="idle default shadow stride60 tput1 tput10 streams10k alone1 alone10" (all by default; alone1 and alone10 are
#   the throughput cases with no broker: bench/agent/agent-alone.sh, in a table of their own)
#   JDK21 (a JDK 21+ for ZGC; default: the newest under /usr/lib/jvm, if any)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dur=${1:-30}
cases=${CASES:-idle default shadow stride60 tput1 tput10 streams10k alone1 alone10}
out=$(mktemp -d -t ssm-edge-goals.XXXXXX)
lt="$here/bench/agent/loadtest.sh"

# field extraction from a loadtest log
field() { # file pattern awk-program
  grep -a -m1 -- "$2" "$1" | sed 's/^\[[^]]*\] //' | awk "$3"
}
row() { # name goal file
  local f=$3
  local load sent p99 p999 drop rss hwm start cpu broker
  load=$(field "$f" "machine load:" '{print $3}')
  start=$(field "$f" "RSS right after start" '{print $6}')
  sent=$(field "$f" "Sent " '{print $2}')
  # processed = predictions received × stride (each stream publishes once per stride samples), at steady state
  stride=$(grep -m1 -o 'stride [0-9]*' "$f" | awk '{print $2}')
  done=$(field "$f" "Predictions " "{printf \"%.0f\", \$2 * ${stride:-8}}")
  p99=$(field "$f" "End to end " '{gsub(",","");print $8}')
  p999=$(field "$f" "End to end " '{gsub(",","");print $11}')
  drop=$(field "$f" "Agent  " '{print $2}')
  cpu=$(field "$f" "CPU           agent" '{gsub("[(]","");print $3" ("$5" µs)"}')
  broker=$(field "$f" "cores during the measured seconds" '{gsub(",","");print $7}')
  hwm=$(grep -m1 "VmHWM" "$f" | grep -o 'VmHWM:[[:space:]]*[0-9][0-9]*' | awk '{printf "%.0f", $2*1.024/1000}')
  rss=$(grep -m1 "VmHWM" "$f" | grep -o 'VmRSS:[[:space:]]*[0-9][0-9]*' | awk '{printf "%.0f", $2*1.024/1000}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s MB (peak %s MB) | %s MB | %s | %s | %s |\n' "$1" "$2" "${sent:-?}" "${done:-?}" \
    "${p99:-?}" "${p999:-?}" "${drop:-?}" "${rss:-?}" "${hwm:-?}" "${start:-?}" "${cpu:-?}" "${broker:-?}" "${load:-?}"
}
run() { # name goal env... -- loadtest args
  local name=$1 goal=$2; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  env "${envs[@]}" "$lt" "$@" > "$out/$name.log" 2>&1
  grep -m1 "^\[" "$out/$name.log" | sed 's/\] .*/]/' > "$out/$name.settings"
  row "$name" "$goal" "$out/$name.log" >> "$out/table.md"
  echo "$name: $(cat "$out/$name.settings")" >> "$out/settings.txt"
}

alone() { # name goal batch: bench/agent/agent-alone.sh, the agent with a stand-in instead of the broker
  "$here/bench/agent/agent-alone.sh" 1000 "$dur" "$3" > "$out/$1.log" 2>&1
  local f="$out/$1.log"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(field "$f" "Processed " '{print $2}')" \
    "$(field "$f" "Predictions " '{print $2}')" "$(field "$f" "cores during" '{gsub(",","");print $7}')" \
    "$(field "$f" "agent CPU per sample" '{print $5" "$6}')" "$(field "$f" "machine load:" '{print $3}')" >> "$out/alone.md"
  echo "$1: $(grep -m1 "^\[" "$f" | sed 's/\] .*/]/')" >> "$out/settings.txt"
}
echo "| case (no broker) | goal | processed samples/s | predictions/s | agent cores | agent CPU per sample | load (1 min) |" > "$out/alone.md"
echo "|---|---|---|---|---|---|---|" >> "$out/alone.md"
echo "| case | goal | sent samples/s | processed samples/s | e2e p99 ms | e2e p99.9 ms | dropped | agent RSS at end | RSS after start | agent cores (CPU per sample) | broker cores | load (1 min) |" > "$out/table.md"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|" >> "$out/table.md"
for c in $cases; do
  case $c in
    idle)       run idle "RSS after start <= 80 MB" QUEUE_CAPACITY=10000 MAX_STREAMS=10000 -- 10 1 5 ;;
    default)    run default "p99 <= 5 ms, p99.9 <= 15 ms, RSS <= 160 MB" X=1 -- 1000 10 "$dur" ;;
    shadow)     run shadow "p99 <= 10 ms (equal-size shadow on every stream)" SHADOW=1 -- 1000 10 "$dur" ;;
    stride60)   run stride60 "(comparison: stride 60 as the old figures)" X=1 -- 1000 10 "$dur" 60 ;;
    # overflow: block and the default queue, so that nothing is dropped and "processed" is what the agent sustains
    # (at drop-oldest, the
    # default, an overloaded agent takes in more than it processes and drops the oldest messages; a 100,000-message
    # queue made Serial GC copy up to a million queued samples: the GC thread used more CPU than the worker)
    tput1)      run tput1 ">= 80,000 samples/s, 1 sample/msg, no drops" OVERFLOW=block QUEUE_CAPACITY=10000 -- 1000 80 "$dur" 8 1 ;;
    tput10)     run tput10 ">= 200,000 samples/s, 10 samples/msg, no drops" OVERFLOW=block QUEUE_CAPACITY=10000 -- 1000 200 "$dur" 8 10 ;;
    alone1)     alone alone1 ">= 80,000 samples/s, 1 sample/msg" 1 ;;
    alone10)    alone alone10 ">= 200,000 samples/s, 10 samples/msg" 10 ;;
    streams10k) run streams10k "10,000 streams @ 1 Hz: RSS <= 300 MB, no drops" STAGGER=60 -- 10000 1 "$dur" ;;
  esac
done
cat "$out/table.md"
if [ "$(wc -l < "$out/alone.md")" -gt 2 ]; then echo; cat "$out/alone.md"; fi
echo
cat "$out/settings.txt"

if [ "${GC:-1}" = "1" ]; then
  # GC pauses under 1000 x 10 Hz: every safepoint's total time from the JVM's safepoint log (the time all Java
  # threads stood still: GC pauses and other VM operations), max and 99th percentile.
  pauses() { # label logfile
    grep -o 'Total: [0-9]* ns' "$2" | awk '{print $2/1e6}' | sort -n | awk -v l="$1" '{a[NR]=$1} END {
      if (NR == 0) { printf "| %s | 0 | - | - |\n", l; exit }
      i = int(NR*0.99); if (i < 1) i = 1; printf "| %s | %d | %.2f | %.2f |\n", l, NR, a[i], a[NR] }'
  }
  echo
  echo "| GC (1000 x 10 Hz, ${dur} s + warm-up) | safepoints | p99 pause ms | max pause ms |"
  echo "|---|---|---|---|"
  SSM_EDGE_JAVA_OPTS="-Xlog:safepoint:file=$out/serial.sp" "$lt" 1000 10 "$dur" > "$out/gc-serial.log" 2>&1
  pauses "Serial (deploy/jvm.options)" "$out/serial.sp"
  SSM_EDGE_JAVA_OPTS="-XX:-UseSerialGC -XX:+UseG1GC -Xlog:safepoint:file=$out/g1.sp" "$lt" 1000 10 "$dur" > "$out/gc-g1.log" 2>&1
  pauses "G1" "$out/g1.sp"
  jdk21=${JDK21:-$(ls -d /usr/lib/jvm/*-2[1-9]-* /usr/lib/jvm/*-2[1-9] 2>/dev/null | sort -V | tail -1)}
  if [ -n "$jdk21" ] && [ -x "$jdk21/bin/java" ]; then
    JAVA_HOME_AGENT="$jdk21" SSM_EDGE_JAVA_OPTS="-XX:-UseSerialGC -XX:+UseZGC -Xlog:safepoint:file=$out/zgc.sp" \
      "$lt" 1000 10 "$dur" > "$out/gc-zgc.log" 2>&1
    pauses "ZGC generational ($(basename "$jdk21"))" "$out/zgc.sp"
  fi
  for g in serial g1 zgc; do
    [ -f "$out/gc-$g.log" ] && echo "$g: $(grep -m1 "End to end" "$out/gc-$g.log" | sed 's/^\[[^]]*\] //'); $(grep -m1 VmHWM "$out/gc-$g.log" | sed 's/^\[[^]]*\] //')"
  done
fi
echo "(logs in $out)"
