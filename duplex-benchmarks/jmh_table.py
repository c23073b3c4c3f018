#!/usr/bin/env python3
"""Renders JMH JSON results (-rf json) as the Markdown tables of docs/performance.md.

Usage: python3 jmh_table.py target/jmh-*.json

Throughput is converted to MB/s (10^6 bytes/s) of payload: for FrameParserBenchmark an operation
is one buffer of ~64 KiB of payload (frames = 65536 / payloadSize), for the others one payload of
`size` bytes. B/op is JMH's gc.alloc.rate.norm; for FrameParserBenchmark it is also given per frame.
"""
import json
import sys


def rows(paths):
    for path in paths:
        with open(path) as f:
            yield from json.load(f)


def main(paths):
    tables = {}
    for r in rows(paths):
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        p = r.get("params", {})
        size = int(p.get("payloadSize") or p.get("size"))
        ops, err = r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"]
        alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        variant = p.get("buffer") or p.get("text") or ""
        if cls == "FrameParserBenchmark":
            frames = max(1, 65536 // size)
            mbs = ops * frames * size / 1e6
            ns_frame = 1e9 / (ops * frames)
            row = (method, size, frames, f"{ops:,.0f} ± {err:,.0f}", f"{mbs:,.0f}", f"{ns_frame:,.1f}",
                   f"{alloc:,.2f}", f"{alloc / frames:,.3f}")
        else:
            mbs = ops * size / 1e6
            row = (method, variant, size, f"{ops:,.0f} ± {err:,.0f}", f"{mbs:,.0f}", f"{alloc:,.2f}")
        tables.setdefault(cls, []).append(row)

    heads = {
        "FrameParserBenchmark": ("benchmark", "payload B", "frames/op", "ops/s", "payload MB/s", "ns/frame",
                                 "B/op", "B/frame"),
        "MaskingBenchmark": ("benchmark", "buffer", "size B", "ops/s", "MB/s", "B/op"),
        "Utf8Benchmark": ("benchmark", "text", "size B", "ops/s", "MB/s", "B/op"),
    }
    for cls, table in tables.items():
        head = heads[cls]
        print(f"\n#### {cls}\n")
        print("| " + " | ".join(head) + " |")
        left = {"benchmark", "buffer", "text"}
        print("|" + "|".join("---" if h in left else "---:" for h in head) + "|")
        for row in table:
            print("| " + " | ".join(str(c) for c in row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
