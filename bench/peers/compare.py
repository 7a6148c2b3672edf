#!/usr/bin/env python3
"""Side-by-side figures of scripts/bench.sh peer: reads the "result:" lines the load generator
printed, each prefixed with "<server> <kind>" (tiski|relay, idle|load), and prints the median
of the rounds per server and the ratio Tiski / relay. Usage: compare.py RESULTS_FILE"""
import statistics
import sys

runs = {}  # (server, kind) -> list of dicts
for line in open(sys.argv[1]):
    server, kind, _, *pairs = line.split()
    runs.setdefault((server, kind), []).append({k: float(v) for k, v in (p.split("=") for p in pairs)})


def median(server, kind, key):
    vals = [r[key] for r in runs.get((server, kind), [])]
    return statistics.median(vals) if vals else float("nan"), len(vals)


rows = [
    ("memory per idle visitor (RSS, KiB)", "idle", "idle_rss_kib"),
    ("memory per idle visitor (heap, KiB)", "idle", "idle_heap_kib"),
    ("CPU per 1,000 messages (ms)", "load", "cpu_us"),
    ("latency visitor->agent p50 (ms)", "load", "p50_ms"),
    ("latency visitor->agent p99 (ms)", "load", "p99_ms"),
    ("messages lost", "load", "lost"),
]
print(f"{'':40} {'Tiski':>10} {'Node ws relay':>14} {'Tiski / relay':>14}  rounds")
for name, kind, key in rows:
    t, n = median("tiski", kind, key)
    r, m = median("relay", kind, key)
    ratio = f"{t / r:14.2f}" if r and r == r and t == t else f"{'-':>14}"
    print(f"{name:40} {t:10.2f} {r:14.2f} {ratio}  {n}/{m}")
print("Tiski persists (fsync) and acknowledges every message; the relay keeps nothing.")
