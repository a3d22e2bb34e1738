"""End-to-end load: waitress on loopback with 1,000 cases and 10,000 submissions, driven by wrk.

Prints requests per second, p50/p95/p99 latency, errors and the server's resident memory for
the pages people wait on (a form page, the case page with its task list and clocks, the home
page of the business unit and of a partner, the filtered case list, the referral's longest
page) and a submission POST (16 connections, 30 s each by default), against a static-file GET
through the same server as the baseline measured in the same run.
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.case_data import copy_demo_cases  # noqa: E402
from cspr import create_app  # noqa: E402
from cspr.demo.run import DEMO_PASSWORD  # noqa: E402
from cspr.storage import close_store, get_store  # noqa: E402
from cspr.timeutil import uk_today  # noqa: E402

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


def forms_folder() -> Path:
    """Return a folder with the shipped forms and the small example form the bench sends."""
    folder = Path(tempfile.mkdtemp(prefix="cspr-load-forms-"))
    for shipped in (ROOT / "forms").glob("*.json"):
        shutil.copy(shipped, folder)
    shutil.copy(ROOT / "forms" / "examples" / "follow_up.json", folder)
    return folder


@dataclass
class Seeded:
    """What the bench's set-up made: the accounts it signs in as and the pages it asks for."""

    email: str
    token: str
    case_id: str  # a case at rapid review, with its task list and clocks
    longest_page: str  # the id of the referral's page with the most questions


def seed(data_dir: Path, forms_dir: Path, stored: int, cases: int) -> Seeded:
    """Make the demo's users and cases, copy the cases to `cases`, fill up to `stored` forms."""
    from cspr.api.tokens import create_token
    from cspr.auth import agencies, operations
    from cspr.demo.run import create_demo
    from cspr.formengine import registry

    app = create_app({"DATA_DIR": str(data_dir), "FORMS_DIR": str(forms_dir)})
    with app.app_context():
        create_demo()
        linked = copy_demo_cases(cases)
        agency = agencies.add_agency(None, "Loadshire Health")
        email = "load@loadshire.example.org"
        user, _ = operations.create_user(None, email, "agency_user", "Load", agency["id"], None,
                                         PASSWORD)
        token, _ = create_token(email)
        update = "Progress notes. " * 100  # about 2 KB of answers, like a real submission
        batch = [
            {"form_id": "follow_up", "form_version": 1, "form_title": "Follow-up",
             "status": "submitted", "owner_id": user["id"], "agency_id": agency["id"],
             "reference": f"SUB-2026-{i:05d}", "submitted_at": "2026-11-01T10:00:00+00:00",
             "answers": {"child_name": f"Child {i}", "date_of_birth": "2018-04-03",
                         "update": update}}
            for i in range(max(stored - linked, 0))
        ]
        for start in range(0, len(batch), 1000):
            get_store().insert_many("submissions", batch[start:start + 1000])
        case = get_store().find_one("cases", {"reference": f"CSPR-{uk_today().year}-0004"})
        assert case is not None and case["stage"] == "rapid_review"  # nosec B101  # the demo's
        referral = registry.live("referral")
        assert referral is not None  # nosec B101
        longest = max(referral.raw["pages"], key=lambda page: len(page["fields"]))
        get_store().compact()
    close_store(app)
    return Seeded(email, token, case["id"], longest["id"])


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


def session(base: str, email: str, password: str) -> tuple[Any, str]:
    """Sign in through the real form; return (an opener holding the session, cookie header)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    opener.open(f"{base}/sign-in", data=data.encode())
    return opener, "; ".join(f"{c.name}={c.value}" for c in jar)


def start_form(opener: Any, base: str, form_id: str) -> str:
    """Start a draft of a form; return the address of its first page."""
    forms = opener.open(f"{base}/forms").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', forms).group(1)  # type: ignore[union-attr]
    started = opener.open(f"{base}/forms/{form_id}/start",
                          data=urllib.parse.urlencode({"csrf_token": token}).encode())
    return str(started.geturl())


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
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="", help="run only the rows whose name holds this")
    args, _ = parser.parse_known_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk (make bench installs it)")
        return 1
    data_dir = Path(tempfile.mkdtemp(prefix="cspr-load-"))
    forms_dir = forms_folder()
    seeded = seed(data_dir, forms_dir, args.stored, args.cases)
    port = 5600 + os.getpid() % 300
    env = {**os.environ, "CSPR_DATA_DIR": str(data_dir), "CSPR_FORMS_DIR": str(forms_dir),
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
        agency, agency_cookie = session(base, seeded.email, PASSWORD)
        form_page = start_form(agency, base, "follow_up")
        referral_page = start_form(agency, base, "referral").rsplit("/", 1)[0]
        _, bu = session(base, "bu@demo.example.org", DEMO_PASSWORD)
        _, partner = session(base, "la@demo.example.org", DEMO_PASSWORD)
        time.sleep(2)
        idle = memory_mb(server.pid)
        loads = [
            ("baseline: static file GET", f"{base}/static/favicon.svg", [], ""),
            ("form page GET", form_page, [f"Cookie: {agency_cookie}"], ""),
            ("submission POST (API)", f"{base}/api/forms/follow_up/submissions",
             [f"Authorization: Bearer {seeded.token}"], POST_LUA),
            ("case page GET", f"{base}/cases/{seeded.case_id}", [f"Cookie: {bu}"], ""),
            ("home page GET, business unit", f"{base}/", [f"Cookie: {bu}"], ""),
            ("home page GET, partner", f"{base}/", [f"Cookie: {partner}"], ""),
            ("case list GET, filtered", f"{base}/cases?stage=rapid_review&deadline=overdue",
             [f"Cookie: {bu}"], ""),
            ("referral longest page GET", f"{referral_page}/{seeded.longest_page}",
             [f"Cookie: {agency_cookie}"], ""),
        ]
        loads = [load for i, load in enumerate(loads) if i == 0 or args.only in load[0]]
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
        shutil.rmtree(forms_dir, ignore_errors=True)
    report(args, rows, idle, busy)
    return 0


def report(args: argparse.Namespace, rows: list[tuple[str, dict[str, float]]],
           idle: tuple[float, float], busy: tuple[float, float]) -> None:  # fmt: skip
    """Print the table and say which goals were met."""
    print(f"{args.cases:,} cases and {args.stored:,} submissions stored; 16 connections; "
          f"{args.seconds} s per row; waitress, {args.workers} worker processes x "
          f"{args.threads} threads; {os.cpu_count()} CPUs shared by server and wrk")
    print(f"{'traffic':30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7} {'x baseline req/s':>17} {'server CPU ms/req':>18} "
          f"{'x baseline CPU':>15}")
    base_rps = rows[0][1]["requests"] / rows[0][1]["seconds"]
    base_cpu = rows[0][1]["cpu"] / max(rows[0][1]["requests"], 1)
    measured = {}
    for name, r in rows:
        rps = measured[name] = r["requests"] / r["seconds"]
        cpu = r["cpu"] / max(r["requests"], 1)
        # On a shared machine req/s moves with what else runs; the server's own CPU time per
        # request does not, so its ratio to the baseline's says the same more steadily.
        print(f"{name:30} {rps:8.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
              f"{int(r['errors']):7d} {rps / base_rps:17.3f} {cpu * 1000:18.2f} "
              f"{base_cpu / max(cpu, 1e-9):15.3f}")
    print(f"server memory, all processes: idle RSS {idle[0]:.0f} MB, PSS {idle[1]:.0f} MB; "
          f"after load RSS {busy[0]:.0f} MB, PSS {busy[1]:.0f} MB")
    found = dict(rows)
    goals = []
    if "form page GET" in found:
        get = found["form page GET"]
        goals += [("form GET >= 300 req/s", measured["form page GET"] >= 300),
                  ("form GET p95 <= 50 ms", get["p95"] <= 50)]  # fmt: skip
    if "submission POST (API)" in found:
        post = found["submission POST (API)"]
        goals += [("POST >= 100 req/s", measured["submission POST (API)"] >= 100),
                  ("POST p95 <= 100 ms", post["p95"] <= 100)]  # fmt: skip
    pages = [name for name in measured if name.endswith("GET") or "GET," in name]
    slow = [name for name in pages[1:] if measured[name] < 0.2 * base_rps]
    goals += [("every page >= 0.2x baseline req/s" + (f" (not: {', '.join(slow)})" if slow
               else ""), not slow),
              ("no errors", all(r["errors"] == 0 for _, r in rows)),
              ("idle memory (PSS) <= 150 MB", idle[1] <= 150)]  # fmt: skip
    print("goals: " + "; ".join(f"{g}: {'met' if ok else 'NOT met'}" for g, ok in goals))


if __name__ == "__main__":
    sys.exit(main())
