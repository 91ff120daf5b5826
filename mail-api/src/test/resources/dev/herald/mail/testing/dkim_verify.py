"""Verifies the first DKIM signature of messages with dkimpy, an independent verifier.

Arguments: NAME=TXT pairs, the DNS TXT records to answer with (no network is used), then "--" and
the message files; without files, one message on stdin. Prints one line per message, "pass" or
"fail: <dkimpy's last log lines>"; exits 0 when all pass, 1 otherwise.
"""
import logging
import sys

import dkim

records = {}
args = sys.argv[1:]
files = args[args.index("--") + 1:] if "--" in args else []
for arg in args[:args.index("--")] if "--" in args else args:
    name, _, txt = arg.partition("=")
    records[name.rstrip(".").lower()] = txt.encode("ascii")


def dnsfunc(name, timeout=5):
    key = (name.decode("ascii") if isinstance(name, bytes) else name).rstrip(".").lower()
    return records.get(key)


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


log = logging.getLogger("dkim-verify")
log.setLevel(logging.DEBUG)


def verify(message):
    collected = Collect()
    log.addHandler(collected)
    try:
        if dkim.DKIM(message, logger=log).verify(dnsfunc=dnsfunc):
            return "pass"
    except dkim.DKIMException as e:
        collected.lines.append("exception: %s" % e)
    finally:
        log.removeHandler(collected)
    return "fail: " + " | ".join(collected.lines[-4:])


verdicts = []
for f in files or [None]:
    if f is None:
        message = sys.stdin.buffer.read()
    else:
        with open(f, "rb") as fh:
            message = fh.read()
    verdicts.append(verify(message))
    print(verdicts[-1], flush=True)
sys.exit(0 if all(v == "pass" for v in verdicts) else 1)
