#!/usr/bin/env python3
"""Checks a finished run against issue 4's targets and prints a Markdown verdict.

usage: targets.py throughput results/throughput.json
       targets.py rtt results/rtt.json
       targets.py memory results/memory-50m-xmx32m.json
"""
import json
import sys


def verdict(ok):
    return "**met**" if ok else "**MISSED**"


def throughput(d):
    s = {x["name"]: x for x in d["summary"]}
    base = d["baseline"]
    print("\n### Targets (issue 4), ratios paired per round vs `%s`, median of ratios\n" % base)
    print("| target | variant | ratio | bar | verdict |")
    print("|---|---|---:|---:|---|")
    rows = [("one connection >= 2.0x Angus reuse", n, 2.0) for n in s if n.startswith("herald-reuse-1") or n.startswith("herald-batch-1")]
    rows += [("4 pooled connections >= 3.5x Angus reuse", n, 3.5) for n in s if n.startswith("herald-pool-4")]
    for what, n, bar in rows:
        r = s[n]["ratio_vs_baseline_median"]
        fail = s[n]["failed"]
        ok = r is not None and r >= bar and not fail
        print("| %s | %s%s | %s | %.1f | %s |" % (what, n, " (%d FAILED)" % fail if fail else "",
                                               "-" if r is None else "%.2f" % r, bar, verdict(ok)))
    cpu_table(d)


def field(r, name):
    return (r.get("json") or {}).get(name)


def cpu_table(d):
    """Client CPU per message from the JSON lines: medians and ratios paired per round."""
    import statistics
    base = d["baseline"]
    runs = d["runs"]
    b = {r["round"]: field(r, "cpu_us_per_msg") for r in runs[base] if r["rc"] == 0}
    print("\n### Client CPU per message (process CPU during the timed N / N; lower is better)\n")
    print("All threads of the client JVM (JIT and GC included), not the sink's. Moves far less with machine")
    print("load than msgs/s does. Ratio: paired per round vs `%s`, median.\n" % base)
    print("| command | CPU us/msg median | min | max | ratio vs %s |" % base)
    print("|---|---:|---:|---:|---:|")
    for name, rs in runs.items():
        v = [field(r, "cpu_us_per_msg") for r in rs if r["rc"] == 0 and field(r, "cpu_us_per_msg") is not None]
        rat = [field(r, "cpu_us_per_msg") / b[r["round"]] for r in rs
               if r["rc"] == 0 and b.get(r["round"]) and field(r, "cpu_us_per_msg") is not None]
        if not v:
            continue
        print("| %s | %.0f | %.0f | %.0f | %s |" % (name, statistics.median(v), min(v), max(v),
                                                  "%.2f" % statistics.median(rat) if rat else "-"))


def rtt(d):
    print("\n### Targets (issue 4): round trips per message on a reused connection, %.0f ms RTT\n" % d["rtt_ms"])
    print("Verdict on the round trips the proxy counted (client flights); RTTs by time for reference.\n")
    print("| sender | client flights (round trips) per msg | RTTs per msg (time / RTT) | bar | verdict |")
    print("|---|---:|---:|---:|---|")
    for r in d["rows"]:
        n = r["name"]
        if n.startswith("herald-batch"):
            bar = 1.3
        elif n.startswith("herald-send"):
            bar = 2.1
        else:
            continue
        # the proxy's count of client flights is the round-trip count; time / RTT is shown beside it
        # (it adds the client's and the sink's processing time and the proxy's own latency)
        print("| %s | %.2f | %.2f | %.1f | %s |" % (n, r["flights_per_msg"], r["rtts_per_msg"], bar,
                                                verdict(r["flights_per_msg"] <= bar)))


def memory(d):
    s = {x["name"]: x for x in d["summary"]}
    base = s[d["baseline"]]
    print("\n### Target (issue 4): 50 MiB attachment at -Xmx32m succeeds, peak RSS <= Angus's\n")
    print("| sender | runs ok | peak RSS MB median | Angus MB | verdict |")
    print("|---|---:|---:|---:|---|")
    for n, x in s.items():
        if not n.startswith("herald") or "xmx32m" not in n:
            continue
        ok = x["failed"] == 0 and x["peak_rss_mb_median"] is not None and x["peak_rss_mb_median"] <= base["peak_rss_mb_median"]
        print("| %s | %d/%d | %s | %.0f | %s |" % (n, x["runs"] - x["failed"], x["runs"],
                                               "-" if x["peak_rss_mb_median"] is None else "%.0f" % x["peak_rss_mb_median"],
                                               base["peak_rss_mb_median"], verdict(ok)))


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        data = json.load(f)
    {"throughput": throughput, "rtt": rtt, "memory": memory}[kind](data)
