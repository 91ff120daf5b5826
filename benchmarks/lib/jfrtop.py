#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples: the hottest methods by self time and by total time
(a method anywhere on the stack), optionally only for stacks that pass through a package prefix.

usage: jfrtop.py RECORDING.jfr [--top 25] [--filter dev.herald.mail.smtp] [--threads]
Needs the JDK's `jfr` tool on PATH.
"""
import argparse
import collections
import json
import subprocess


def frames_of(ev):
    st = ev["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames", []):
        m = f["method"]
        out.append("%s.%s" % (m["type"]["name"], m["name"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--filter", default="")
    ap.add_argument("--threads", action="store_true", help="also count samples per thread")
    a = ap.parse_args()
    a.filter = a.filter.replace(".", "/")  # JFR names types with slashes
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "128", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", a.recording],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(raw)["recording"]["events"]
    self_c, total_c, thr = collections.Counter(), collections.Counter(), collections.Counter()
    n = {"jdk.ExecutionSample": 0, "jdk.NativeMethodSample": 0}
    for ev in events:
        fr = frames_of(ev)
        if not fr or (a.filter and not any(x.startswith(a.filter) for x in fr)):
            continue
        n[ev["type"]] = n.get(ev["type"], 0) + 1
        kind = "" if ev["type"] == "jdk.ExecutionSample" else " [native/blocked]"
        self_c[fr[0] + kind] += 1
        for x in set(fr):
            total_c[x + kind] += 1
        t = ev["values"].get("sampledThread") or {}
        thr[(t.get("javaName") or t.get("osName") or "?") + kind] += 1
    tot = sum(n.values()) or 1
    print("samples: %s%s" % (n, " (stacks through %s only)" % a.filter if a.filter else ""))
    print("\n-- self (top frame) --")
    for k, v in self_c.most_common(a.top):
        print("%6d %5.1f%%  %s" % (v, 100.0 * v / tot, k))
    print("\n-- total (anywhere on the stack) --")
    for k, v in total_c.most_common(a.top):
        print("%6d %5.1f%%  %s" % (v, 100.0 * v / tot, k))
    if a.threads:
        print("\n-- per thread --")
        for k, v in thr.most_common(a.top):
            print("%6d %5.1f%%  %s" % (v, 100.0 * v / tot, k))


if __name__ == "__main__":
    main()
