"""The child process that fills in templates: a fresh interpreter under memory and CPU limits.

Started by isolation.py as `python -m cspr.documents.render_worker MEMORY_BYTES`. It loads
the renderer, then limits its own address space to what it uses now plus MEMORY_BYTES, stops
itself creating files or processes, says it is ready, and fills in one template per request
read from stdin, answering on stdout. The parent times each request by the wall clock; the
CPU limit set before each request is a second stop. After running out of memory it leaves,
so that the next request meets a fresh process.

Frames both ways: 8 bytes (two big-endian 32-bit lengths), a JSON header, then raw bytes.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from datetime import date
from typing import Any, BinaryIO

FRAME = struct.Struct(">II")
READY = b"R"


def read_frame(stream: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    """Read one frame; None at the end of the stream."""
    head = stream.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    header_size, payload_size = FRAME.unpack(head)
    header = stream.read(header_size)
    payload = stream.read(payload_size)
    if len(header) < header_size or len(payload) < payload_size:
        return None
    return json.loads(header), payload


def write_frame(stream: BinaryIO, header: dict[str, Any], payload: bytes = b"") -> None:
    """Write one frame and flush it."""
    encoded = json.dumps(header).encode("utf-8")
    stream.write(FRAME.pack(len(encoded), len(payload)) + encoded + payload)
    stream.flush()


def _address_space_in_use() -> int:
    """Return this process's current virtual memory size in bytes (Linux), or 0."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_self(headroom: int) -> None:
    """Cap memory at what is in use plus the headroom; allow no new files or processes."""
    import resource

    in_use = _address_space_in_use()
    cap = in_use + headroom if in_use else headroom
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    for limit in (resource.RLIMIT_FSIZE, resource.RLIMIT_NPROC):
        try:
            resource.setrlimit(limit, (0, 0))
        except (ValueError, OSError):
            pass  # not every system allows lowering this one; the others still hold


def limit_cpu(seconds: int) -> None:
    """Allow the next request this many seconds of CPU on top of what was used so far."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = spent + seconds if hard == resource.RLIM_INFINITY else min(spent + seconds, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def handle(header: dict[str, Any], content: bytes) -> tuple[dict[str, Any], bytes]:
    """Fill one template; return the answer's header and the document (or nothing)."""
    from cspr.documents.filters import make_filters
    from cspr.documents.render import EXHAUSTED, render_docx
    from cspr.documents.sandbox import TemplateRefused
    from cspr.exceptions import Refused

    limit_cpu(int(header["cpu_seconds"]))
    closures = [date.fromisoformat(d) for d in header["closures"]]
    filters = make_filters(closures, bool(header["start_is_day_zero"]))
    try:
        data = render_docx(content, header["context"], filters, check=False)
    except TemplateRefused as refused:
        problems = [[p.kind, p.message, p.where, p.text] for p in refused.problems]
        return {"refused": refused.message, "problems": problems}, b""
    except Refused as refused:
        return {"refused": refused.message, "retire": refused.message == EXHAUSTED}, b""
    except MemoryError:
        return {"refused": EXHAUSTED, "retire": True}, b""
    return {"ok": True}, data


def main(argv: list[str]) -> int:
    """Serve requests from stdin until it closes."""
    import docxtpl  # noqa: F401 - loaded before the limits, so it counts as "in use"
    import lxml.etree  # noqa: F401

    import cspr.documents.filters  # noqa: F401
    from cspr.documents.render import EXHAUSTED

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by accident can corrupt the frames
    limit_self(int(argv[1]))
    stdout.write(READY)
    stdout.flush()
    while True:
        request = read_frame(stdin)
        if request is None:
            return 0
        try:
            answer, payload = handle(*request)
        except MemoryError:
            answer, payload = {"refused": EXHAUSTED, "retire": True}, b""
        write_frame(stdout, answer, payload)
        if answer.get("retire"):
            return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
