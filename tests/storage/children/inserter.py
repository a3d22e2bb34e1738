"""Insert N documents, each with a freshly allocated reference; print the count when done."""

import sys

from cspr.storage import Store

store = Store.open(sys.argv[1])
worker, count = sys.argv[2], int(sys.argv[3])
compact_every = int(sys.argv[4]) if len(sys.argv) > 4 else 0
for number in range(count):
    reference = store.next_reference("CSPR", 2026)
    store.insert("cases", {"worker": worker, "n": number, "reference": reference})
    if compact_every and number % compact_every == compact_every - 1:
        store.compact()
store.close()
print("done", flush=True)
