"""Insert documents forever, printing each id only after insert() has returned."""

import sys

from cspr.storage import Store

store = Store.open(sys.argv[1], auto_compact_bytes=32 * 1024)
print("ready", flush=True)
number = 0
while True:
    number += 1
    doc = store.insert("things", {"n": number, "payload": "x" * 300, "ref": None})
    if number % 5 == 0:
        store.update("things", doc["id"], {"ref": store.next_reference("CRASH", 2026)})
    print(doc["id"], flush=True)
    if number % 40 == 0:
        store.compact()  # so that many kills land in the middle of a compaction
