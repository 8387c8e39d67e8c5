#!/usr/bin/env bash
# Builds the benchmarks and runs them; results (JMH JSON + a Markdown report) go to bench/results/.
#   bench/run.sh --quick   a subset with short iterations, under 3 minutes on 2 cores
#   bench/run.sh           every benchmark and parameter (about 20 minutes on 2 cores)
# Extra arguments after the mode go to every JMH invocation (e.g. -p kernel=vector).
# ONNX Runtime needs ../shared/peers/s5-skab-step.onnx (or -Dssmedge.peers=DIR via JAVA_OPTS); without
# it the ORT benchmark is skipped with a message.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mode=full
if [ "${1:-}" = "--quick" ]; then mode=quick; shift; fi
out="bench/results"
rm -rf "$out"; mkdir -p "$out"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
  echo "jdk: $(java -version 2>&1 | head -1)"
  echo "mode: $mode; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

echo "building bench/target/benchmarks.jar ..." >&2
mvn -q -o -pl bench -am package -DskipTests 2>/dev/null || mvn -q -pl bench -am package -DskipTests
jar=bench/target/benchmarks.jar
peers_opt=() # for OrtPeerBench only: -jvmArgsAppend replaces the class's own fork arguments, so repeat them
if [ -n "${SSMEDGE_PEERS:-}" ]; then
  peers_opt=(-jvmArgsAppend "--add-modules jdk.incubator.vector -Dssmedge.peers=$SSMEDGE_PEERS")
fi

jmh() { # name regex args...
  local name="$1"; shift
  echo "== $name: $*" >&2
  java -jar "$jar" "$@" -rf json -rff "$out/$name.json" "${extra[@]}" 2>&1 | grep -E "^(Benchmark|[A-Z][A-Za-z]+Bench\.|ORT |.*SKIPPED|# Run complete)" || true
}
extra=("$@")

if [ "$mode" = quick ]; then
  q=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
  jmh ceiling 'FmaCeilingBench' "${q[@]}"
  jmh latency 'StepLatencyBench' "${q[@]}" -p model=s5-skab,s5-large -p path=step,block-vector
  jmh throughput 'ThroughputBench' "${q[@]}" -p model=s5-large -p streams=256 -p threads=1,2 -p kernel=vector
  jmh ejml 'EjmlBaselineBench' "${q[@]}" -p model=s5-large
  jmh pruning 'PruningBench.core' "${q[@]}" -p model=s5-large,s4d-large -p variant=dense,masked30,pruned30
  jmh ort 'OrtPeerBench' "${q[@]}" "${peers_opt[@]}"
else
  jmh ceiling 'FmaCeilingBench' -f 1
  jmh gemm 'GemmBench' -f 1
  jmh elementwise 'ElementwiseBench' -f 1
  jmh latency 'StepLatencyBench' -f 1
  jmh throughput 'ThroughputBench' -f 1 -wi 2 -i 3
  jmh ejml 'EjmlBaselineBench' -f 1
  jmh pruning 'PruningBench' -f 1 -wi 2 -i 3
  jmh ort 'OrtPeerBench' -f 1 -p threads=1,2 "${peers_opt[@]}"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

echo "== memory: heap per 1000 streams" >&2
java -Xmx4g -XX:+UseSerialGC -Djdk.attach.allowAttachSelf=true -Djol.magicFieldOffset=true \
  -cp "$jar" io.ssmedge.bench.MemoryFootprint 2>/dev/null | tee "$out/memory.md"
echo
cat "$out/machine.txt"
java -cp "$jar" io.ssmedge.bench.Report "$out" 2>/dev/null | tee "$out/report.md"
