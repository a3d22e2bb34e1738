"""End-to-end load: waitress on loopback with 10,000 stored submissions, driven by wrk.

Prints requests per second, p50/p95/p99 latency, errors and the server's resident memory for
a form page GET and a submission POST (16 connections, 30 s each by default), against a
static-file GET through the same server as the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cspr import create_app  # noqa: E402
from cspr.storage import close_store, get_store  # noqa: E402

PASSWORD = "correct horse battery staple"
REPORT_LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d,'
    .. ' "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""
POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"answers": {"child_name": "Load Test", "date_of_birth": "2018-04-03", '
  .. '"update": "Steady."}}'
"""


def seed(data_dir: Path, stored: int) -> tuple[str, str]:
    """Make the users, a token and `stored` submissions; return (email, token)."""
    from cspr.api.tokens import create_token
    from cspr.auth import agencies, operations

    app = create_app({"DATA_DIR": str(data_dir), "FORMS_DIR": str(ROOT / "forms" / "examples")})
    with app.app_context():
        agency = agencies.add_agency(None, "Loadshire Health")
        email = "load@loadshire.example.org"
        user, _ = operations.create_user(None, email, "agency_user", "Load", agency["id"], None,
                                         PASSWORD)
        _, _token_record = None, None
        token, _ = create_token(email)
        update = "Progress notes. " * 100  # about 2 KB of answers, like a real submission
        batch = [
            {"form_id": "follow_up", "form_version": 1, "form_title": "Follow-up",
             "status": "submitted", "owner_id": user["id"], "agency_id": agency["id"],
             "reference": f"SUB-2026-{i:05d}", "submitted_at": "2026-11-01T10:00:00+00:00",
             "answers": {"child_name": f"Child {i}", "date_of_birth": "2018-04-03",
                         "update": update}}
            for i in range(stored)
        ]
        for start in range(0, stored, 1000):
            get_store().insert_many("submissions", batch[start:start + 1000])
        get_store().compact()
    close_store(app)
    return email, token


def server_pids(pid: int) -> list[int]:
    """Return the server's supervisor and its worker processes."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(p) for p in children.read_text().split())] if children.exists() else [pid]


def memory_mb(pid: int) -> tuple[float, float]:
    """Return the server's resident memory in MB: (RSS summed, PSS summed).

    RSS counts memory that workers share with the supervisor once per process; PSS shares
    it out between them, so its sum is the memory the server really occupies.
    """
    rss = pss = 0
    for each in server_pids(pid):
        for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return rss / 1024, pss / 1024


def session_cookie(base: str, email: str) -> tuple[str, str]:
    """Sign in and start a draft; return (cookie header, the draft's first page URL)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
    opener.open(f"{base}/sign-in", data=data.encode())
    forms = opener.open(f"{base}/forms").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', forms).group(1)  # type: ignore[union-attr]
    started = opener.open(f"{base}/forms/follow_up/start",
                          data=urllib.parse.urlencode({"csrf_token": token}).encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, started.geturl()


def cpu_seconds(pid: int) -> float:
    """Return the CPU time the server's processes have used, in seconds."""
    total = 0
    for each in server_pids(pid):
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(value) for value in fields[11:13])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, headers: list[str], script: str) -> dict[str, float]:
    """Run wrk with 16 connections and return its JSON summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + REPORT_LUA)
    args = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "5s", "-s", lua.name]
    for header in headers:
        args += ["-H", header]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    """Seed, serve, load and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args, _ = parser.parse_known_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk (make bench installs it)")
        return 1
    data_dir = Path(tempfile.mkdtemp(prefix="cspr-load-"))
    email, token = seed(data_dir, args.stored)
    port = 5600 + os.getpid() % 300
    env = {**os.environ, "CSPR_DATA_DIR": str(data_dir),
           "CSPR_FORMS_DIR": str(ROOT / "forms" / "examples"),
           "CSPR_LOGIN_RATE_LIMIT": "1000 per minute"}
    server = subprocess.Popen(
        [sys.executable, "-m", "cspr.serve", "--port", str(port), "--workers",
         str(args.workers), "--threads", str(args.threads)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/sign-in", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.2)
        cookie, form_page = session_cookie(base, email)
        time.sleep(2)
        idle = memory_mb(server.pid)
        loads = [
            ("baseline: static file GET", f"{base}/static/favicon.svg", [], ""),
            ("form page GET", form_page, [f"Cookie: {cookie}"], ""),
            ("submission POST (API)", f"{base}/api/forms/follow_up/submissions",
             [f"Authorization: Bearer {token}"], POST_LUA),
        ]
        rows = []
        for name, url, headers, script in loads:
            cpu = cpu_seconds(server.pid)
            result = wrk(url, args.seconds, headers, script)
            result["cpu"] = cpu_seconds(server.pid) - cpu
            rows.append((name, result))
        busy = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{args.stored:,} submissions stored; 16 connections; {args.seconds} s per row; "
          f"waitress, {args.workers} worker processes x {args.threads} threads; "
          f"{os.cpu_count()} CPUs shared by server and wrk")
    print(f"{'traffic':30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7} {'x baseline req/s':>17} {'server CPU ms/req':>18}")
    base_rps = rows[0][1]["requests"] / rows[0][1]["seconds"]
    for name, r in rows:
        rps = r["requests"] / r["seconds"]
        print(f"{name:30} {rps:8.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
              f"{int(r['errors']):7d} {rps / base_rps:17.3f} "
              f"{r['cpu'] * 1000 / max(r['requests'], 1):18.2f}")
    print(f"server memory, all processes: idle RSS {idle[0]:.0f} MB, PSS {idle[1]:.0f} MB; "
          f"after load RSS {busy[0]:.0f} MB, PSS {busy[1]:.0f} MB")
    get, post = rows[1][1], rows[2][1]
    goals = [
        ("GET >= 300 req/s", get["requests"] / get["seconds"] >= 300),
        ("GET p95 <= 50 ms", get["p95"] <= 50),
        ("POST >= 100 req/s", post["requests"] / post["seconds"] >= 100),
        ("POST p95 <= 100 ms", post["p95"] <= 100),
        ("no errors", get["errors"] == 0 and post["errors"] == 0),
        ("idle memory (PSS) <= 150 MB", idle[1] <= 150),
    ]
    print("goals: " + "; ".join(f"{g}: {'met' if ok else 'NOT met'}" for g, ok in goals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
