#!/usr/bin/env python3
"""Splits a JFR recording's CPU samples by what the pipeline was doing, for docs/benchmarks.md.

Each sample goes to the first category (in the order below) that one of its frames matches, searching
from the top of the stack: "HyperLogLog update" holds every sample whose stack runs through the HLL
update, whatever JDK method was on top. Needs a JDK whose `jfr` tool prints stacks (17 and later).

usage: jfr-breakdown.py recording.jfr [path/to/jfr]
"""
import re
import subprocess
import sys
from collections import Counter

CATEGORIES = [
    ("publisher (benchmark's own thread)", "SyntheticTraffic"),
    ("HyperLogLog update", "org.apache.datasketches.hll"),
    ("DDSketch update", "com.datadoghq.sketch"),
    ("series key and pane lookup", r"SeriesKey\.of|PanePartials|RollupSpec\$Series|PaneCombiner\.processElement"),
    ("UTF-8 check", r"EventBatchReader\.strictUtf8"),
    ("JSON parsing and validation", r"EventBatchReader|EventValidator|com\.fasterxml"),
    ("later stages (windows, sinks)", r"io\.pulse\.rollup\.(window|sink|correction)|org\.postgresql|io\.lettuce"),
    ("RabbitMQ client", r"com\.rabbitmq"),
    ("Flink runtime and serialization", r"org\.apache\.flink"),
]


def main():
    recording = sys.argv[1]
    jfr = sys.argv[2] if len(sys.argv) > 2 else "jfr"
    text = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", recording],
                          check=True, capture_output=True, text=True).stdout
    counts = Counter()
    for sample in text.split("jdk.ExecutionSample {")[1:]:
        frames = re.findall(r"^\s{4}(\S.*?) line:", sample, re.M)
        category = next((name for name, pattern in CATEGORIES
                         if any(re.search(pattern, frame) for frame in frames)), "other (JVM, GC, JDK)")
        counts[category] += 1
    total = sum(counts.values())
    print(f"| where the samples are ({total} samples) | share |")
    print("|---|---|")
    for name, count in counts.most_common():
        print(f"| {name} | {100.0 * count / total:.1f} % |")


if __name__ == "__main__":
    main()
