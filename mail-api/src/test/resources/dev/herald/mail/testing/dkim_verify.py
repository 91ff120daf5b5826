"""Verifies the first DKIM signature of a message on stdin with dkimpy, an independent verifier.

Arguments: NAME=TXT pairs, the DNS TXT records to answer with (no network is used).
Prints "pass" or "fail: <reason>" and the signature's tags; exits 0 on pass, 1 on fail.
"""
import logging
import sys

import dkim

records = {}
for arg in sys.argv[1:]:
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
collected = Collect()
log.addHandler(collected)

message = sys.stdin.buffer.read()
verifier = dkim.DKIM(message, logger=log)
try:
    ok = verifier.verify(dnsfunc=dnsfunc)
except dkim.DKIMException as e:
    ok = False
    collected.lines.append("exception: %s" % e)
if ok:
    print("pass")
    sys.exit(0)
print("fail: " + " | ".join(collected.lines[-4:]))
sys.exit(1)
