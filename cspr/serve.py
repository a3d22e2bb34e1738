"""Serve the app with waitress in one or more worker processes that share the data store.

One Python process runs one request's Python code at a time, so a single process uses
one CPU however many threads it has. Worker processes let the server use every CPU. The
store was built for several processes (each follows the others' journal), sign-in limits
are counted in the store, and caches that could go stale are checked against it.

Run it as `python -m cspr.serve --workers 2`. Each worker listens on its own socket bound
to the same port with SO_REUSEPORT, so the kernel shares new connections between them.
The parent only supervises: it starts a new worker if one dies, and stops them all on
SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import os
import pkgutil
import signal
import socket
import sys
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

CANNOT_START = 3  # a worker's exit status when the app cannot start; restarting won't help
RESTART_LIMIT = 5  # unexpected worker exits within RESTART_WINDOW before giving up
RESTART_WINDOW = 60.0
STOP_TIMEOUT = 10.0  # seconds stopping workers get before SIGKILL
POLL_SECONDS = 0.2  # how often the supervisor looks for workers that have stopped
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
# Libraries every worker loads at start: imported once by the parent so workers share them.
# Those for documents, exports and bank holidays (about 20 MB) load only when first used.
PRELOAD = ("flask", "jinja2", "wtforms", "flask_wtf", "flask_limiter", "jsonschema", "argon2",
           "tinydb", "waitress")
PRELOAD_SKIP = ("cspr.serve",)  # this module


def load_app(host: str | None = None, port: int | None = None) -> Flask:
    """Create the app for a server on host:port; stop with a plain message if the store fails."""
    from cspr import create_app
    from cspr.storage import StoreCorrupt

    # Without CSPR_BASE_URL, links in emails point to where this server listens.
    served = {"SERVED_HOST": host, "SERVED_PORT": port} if host is not None else None
    try:
        return create_app(served)
    except StoreCorrupt as damaged:
        # A plain message for the person at the server, not a traceback; never start empty.
        raise SystemExit(f"The CSPR Toolkit cannot start: {damaged}") from None


def default_workers() -> int:
    """Use up to two workers, never more than the machine has CPUs."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """Bind one listening socket per worker to the same address."""
    shared = count > 1 and hasattr(socket, "SO_REUSEPORT")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        if shared:
            # First a plain bind: SO_REUSEPORT alone would let a second copy of the server,
            # perhaps on another data directory, quietly share the port with this one.
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((host, port))
        for _ in range(count if shared else 1):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if shared:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(1024)
            sock.setblocking(False)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise SystemExit(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    # Without SO_REUSEPORT the workers share one socket and the kernel hands each
    # connection to whichever worker accepts first.
    return sockets if shared else sockets * count


def run_worker(sock: socket.socket, threads: int) -> None:
    """Serve the app on one socket until the process is stopped."""
    import waitress

    host, port = sock.getsockname()[:2]
    app = load_app(str(host), int(port))
    waitress.serve(app, sockets=[sock], threads=threads, ident="CSPR Toolkit")


def preload() -> None:
    """Import the libraries and the toolkit's modules before forking, to share their memory."""
    for name in PRELOAD:
        importlib.import_module(name)
    import cspr

    packages: list[tuple[Iterable[str], str]] = [(cspr.__path__, "cspr.")]
    while packages:
        path, prefix = packages.pop()
        for module in pkgutil.iter_modules(path, prefix):
            if module.name.startswith(PRELOAD_SKIP):
                continue
            loaded = importlib.import_module(module.name)
            if module.ispkg:
                packages.append((loaded.__path__, module.name + "."))
    # Keep the collector's bookkeeping from writing to (and so un-sharing) these pages.
    gc.collect()
    gc.freeze()


def die_with_parent(parent: int) -> None:
    """Ask Linux to stop this worker if the supervisor dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: a service manager stops the whole group instead
    if os.getppid() != parent:
        os._exit(0)  # the supervisor died before we asked


class Supervisor:
    """Start the workers, replace any that die, and stop them all when asked."""

    def __init__(self, sockets: Sequence[socket.socket], threads: int) -> None:
        self.sockets = list(sockets)
        self.threads = threads
        self.workers: dict[int, int] = {}  # pid -> index of its socket
        self.stopping = False
        self.exits: list[float] = []

    def start(self, index: int) -> None:
        """Fork one worker for the socket at index."""
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            die_with_parent(parent)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us on Ctrl-C
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            for other in {id(s): s for s in self.sockets}.values():
                if other is not self.sockets[index]:
                    other.close()
            code = 0
            try:
                run_worker(self.sockets[index], self.threads)
            except SystemExit as stop:
                print(stop.code, file=sys.stderr, flush=True)
                code = CANNOT_START
            except BaseException:  # noqa: BLE001 - report and leave; the parent restarts us
                import traceback

                traceback.print_exc()
                code = 1
            os._exit(code)
        self.workers[pid] = index

    def stop(self, *_: object) -> None:
        """Ask every worker to stop (a signal handler)."""
        self.stopping = True
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def run(self) -> int:
        """Supervise until stopped; return the exit status for the whole server."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for index in range(len(self.sockets)):
            self.start(index)
        status = 0
        deadline: float | None = None  # set when stopping: then stragglers are killed
        while self.workers:
            if self.stopping and deadline is None:
                deadline = time.monotonic() + STOP_TIMEOUT
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                slot = self.workers.pop(pid) if pid in self.workers else None
                if slot is not None and not self.stopping:
                    status = self._replace(slot, os.waitstatus_to_exitcode(wait_status))
            elif deadline is not None and time.monotonic() > deadline:
                for straggler in self.workers:
                    os.kill(straggler, signal.SIGKILL)  # reaped on the next rounds
                deadline = float("inf")
            else:
                # Polled, not a blocking wait: Python resumes a wait after a signal handler, so
                # a worker that ignored SIGTERM would otherwise keep the supervisor waiting.
                time.sleep(POLL_SECONDS)
        return status

    def _replace(self, index: int, code: int) -> int:
        """Start a new worker after one died, unless it cannot start or keeps dying."""
        if code == CANNOT_START:
            print("A worker could not start the app; stopping the server.", file=sys.stderr)
            self.stop()
            return CANNOT_START
        now = time.monotonic()
        self.exits = [t for t in self.exits if now - t < RESTART_WINDOW] + [now]
        how = f"signal {-code}" if code < 0 else f"exit status {code}"
        if len(self.exits) > RESTART_LIMIT:
            print(f"Workers stopped {len(self.exits)} times in a minute (last: {how}); "
                  "stopping the server.", file=sys.stderr)
            self.stop()
            return 1
        print(f"A worker stopped unexpectedly ({how}); starting a new one.", file=sys.stderr,
              flush=True)
        self.start(index)
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(
        prog="python -m cspr.serve", description="Serve the CSPR Toolkit with waitress."
    )
    parser.add_argument("--host", default=os.environ.get("CSPR_HOST", "127.0.0.1"))
    # Defaults from the environment stay text, so argparse checks them like typed values.
    parser.add_argument("--port", type=int, default=os.environ.get("CSPR_PORT", "5000"))
    parser.add_argument("--workers", type=int,
                        default=os.environ.get("CSPR_WORKERS", str(default_workers())),
                        help="worker processes (default: up to two, one per CPU)")
    parser.add_argument("--threads", type=int, default=os.environ.get("CSPR_THREADS", "2"),
                        help="threads per worker (default 2)")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64 or not 1 <= args.threads <= 64:
        parser.error("workers and threads must each be between 1 and 64")
    if args.workers > 1 and not hasattr(os, "fork"):
        parser.error("this system cannot start worker processes; use --workers 1")
    sockets = listening_sockets(args.host, args.port, args.workers)
    from cspr.config import served_address

    host, port = sockets[0].getsockname()[:2]
    listening = served_address(str(host), int(port))
    print(f"Serving the CSPR Toolkit on {listening} with {args.workers} "
          f"worker process{'es' if args.workers > 1 else ''} of {args.threads} threads.\n"
          f"Sign in at {(os.environ.get('CSPR_BASE_URL') or listening).rstrip('/')}/sign-in",
          flush=True)
    if args.workers == 1:
        run_worker(sockets[0], args.threads)
        return 0
    preload()
    return Supervisor(sockets, args.threads).run()


if __name__ == "__main__":
    sys.exit(main())
