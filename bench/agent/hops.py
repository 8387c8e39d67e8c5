#!/usr/bin/env python3
"""Where a load test's latency went, hop by hop, from a packet capture of the broker's port (loopback).

usage: bench/agent/hops.py CAPTURE.pcap BROKER_PORT
       (PCAP=file bench/agent/loadtest.sh ... records one during the measured seconds; needs tcpdump)

Every sensor message carries its sample ts (the load generator's clock) and every prediction names the ts of the
sample that completed it, so each sample can be followed through four packets on the loopback interface:
  load generator -> broker      (t1)   sensor PUBLISH to the broker's port
  broker -> agent               (t2)   the same sample, from the broker's port to the agent
  agent -> broker               (t3)   the prediction whose ts is that sample's
  broker -> load generator      (t4)   the same prediction, from the broker's port
and the hops are t1 - ts (load generator), t2 - t1 (broker, way in), t3 - t2 (the agent: read, queue, model,
output), t4 - t3 (broker, way back). Times are the kernel's capture times (one clock), in ms. A message split
across two TCP segments is not recognised and is left out (a few per cent).

When the capture holds the whole prediction (loadtest.sh captures 1000 bytes per packet), its latency_ms fields
split the agent's hop in three: read (its socket -> handed to the worker queue: t_sample + end_to_end - queue -
inference - t2), worker (queue + inference) and output (handed to its MQTT client -> the packet leaves:
t3 - t_sample - end_to_end). The agent stamps these on its own clock, which is the capture's (same machine).
"""
import collections
import re
import struct
import sys

SENSOR = re.compile(rb'/([^/]+)/sensors[\s\S]{2,3}?(\d{13}\.\d{3})')  # topic, packet id (+ v5 properties), ts
PREDICTION = re.compile(rb'"stream":"([^"]+)","ts":([0-9.E]+)')
LATENCY = re.compile(rb'"latency_ms":\{"queue":([0-9.E-]+),"inference":([0-9.E-]+),"end_to_end":([0-9.E-]+)')


def packets(path):
    data = open(path, 'rb').read()
    magic, = struct.unpack('<I', data[:4])
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit(f'{path}: not a little-endian pcap file (magic {magic:#x})')
    nano = magic == 0xa1b23c4d
    link, = struct.unpack('<I', data[20:24])
    header = {1: 14, 113: 16, 276: 20}.get(link)
    if header is None:
        sys.exit(f'{path}: link type {link} not supported (capture on lo)')
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack('<IIII', data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = pkt[header:]
        if not ip or ip[0] >> 4 != 4:
            continue
        tcp = ip[(ip[0] & 15) * 4:]
        src, dst = struct.unpack('>HH', tcp[:4])
        payload = tcp[(tcp[12] >> 4) * 4:]
        if payload:
            yield sec * 1000.0 + frac / (1e6 if nano else 1e3), src, dst, payload


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    broker = int(sys.argv[2])
    first = {}  # (kind, direction, stream, ts) -> first capture time, ms
    latency = {}  # (stream, ts) -> (queue, inference, end_to_end) from the agent's prediction, ms
    for t, src, dst, payload in packets(sys.argv[1]):
        way = 'in' if dst == broker else 'out' if src == broker else None
        if way is None:
            continue
        for m in SENSOR.finditer(payload):
            first.setdefault(('s', way, m.group(1), round(float(m.group(2)), 3)), t)
        for m in PREDICTION.finditer(payload):
            key = ('p', way, m.group(1), round(float(m.group(2)), 3))
            first.setdefault(key, t)
            if way == 'in':
                lat = LATENCY.search(payload, m.end(), m.end() + 1000)
                if lat:
                    latency.setdefault(key[2:], tuple(float(g) for g in lat.groups()))
    hops = collections.defaultdict(list)
    full = []
    for (kind, way, stream, ts), t1 in first.items():
        if kind != 's' or way != 'in':
            continue
        hops['load generator: sample ts -> sent'].append(t1 - ts)
        t2 = first.get(('s', 'out', stream, ts))
        if t2 is None:
            continue
        hops['broker, way in: received -> sent to the agent'].append(t2 - t1)
        t3 = first.get(('p', 'in', stream, ts))
        t4 = first.get(('p', 'out', stream, ts))
        if t3 is None or t4 is None:
            continue
        hops['agent: sample received -> prediction sent'].append(t3 - t2)
        lat = latency.get((stream, ts))
        if lat:
            queue, inference, in_agent = lat
            hops['  agent, read: its socket -> worker queue'].append(ts + in_agent - queue - inference - t2)
            hops['  agent, worker: queue + model'].append(queue + inference)
            hops['  agent, output: MQTT client -> its socket'].append(t3 - ts - in_agent)
        hops['broker, way back: prediction received -> sent'].append(t4 - t3)
        hops['total: sample ts -> prediction leaves the broker'].append(t4 - ts)
        full.append((t4 - ts, t1 - ts, t2 - t1, t3 - t2, t4 - t3))
    if not hops:
        sys.exit('no sensor message found: wrong port?')

    def pct(v, q):
        return v[min(len(v) - 1, int(q * len(v)))]
    print(f'{"hop (ms)":50} {"n":>7} {"p50":>7} {"p99":>7} {"p99.9":>7} {"max":>7}')
    for name, v in hops.items():
        v.sort()
        print(f'{name:50} {len(v):7d} {pct(v, .5):7.3f} {pct(v, .99):7.3f} {pct(v, .999):7.3f} {v[-1]:7.3f}')
    if not full:
        print('no sample was followed to its prediction (no agent, or its predictions go elsewhere)')
        return
    full.sort(reverse=True)
    slow = full[:max(1, len(full) // 100)]
    largest = collections.Counter(max(range(4), key=lambda i: r[1 + i]) for r in slow)
    names = ['load generator', 'broker way in', 'agent', 'broker way back']
    print(f'slowest 1 % ({len(slow)} samples, total >= {slow[-1][0]:.2f} ms), largest hop: '
          + ', '.join(f'{names[i]} {100 * largest[i] / len(slow):.0f} %' for i in range(4)))


if __name__ == '__main__':
    main()
