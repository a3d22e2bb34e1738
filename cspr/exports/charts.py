"""Dashboard charts drawn on the server as SVG shapes, each with a text summary and its data."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr.auth.roles import BUSINESS_UNIT, CHAIR, PARTNER, current_user
from cspr.casework import cases, clock, deadlines, stages
from cspr.timeutil import uk_today

CHART_ROLES = {BUSINESS_UNIT, PARTNER, CHAIR}
MONTHS = 12
WIDTH = 720
ON_TIME, LATE = "#1d70b8", "#d4351c"  # GOV.UK blue and red; late bars are also hatched
TEXT, AXIS = "#0b0c0c", "#505a5f"
LATE_FILL = "url(#cspr-late-hatch)"
STEPS = {
    "Serious incident notification": ("notifications", "Notifications to the National Panel"),
    "Rapid review sent to the Panel": ("rapid-reviews", "Rapid reviews"),
}


@dataclass
class Chart:
    """One chart: its shapes, a one-paragraph text alternative, and the table behind it."""

    id: str
    title: str
    summary: str
    height: int
    headers: list[str]
    rows: list[list[Any]]
    rects: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    legend: bool = False
    width: int = WIDTH


def _text(chart: Chart, x: float, y: float, text: Any, anchor: str = "start", **extra: Any) -> None:
    """Place a label."""
    chart.texts.append({
        "x": round(x, 1), "y": round(y, 1), "text": str(text), "anchor": anchor,
        "fill": extra.get("fill", TEXT), "weight": extra.get("weight", "normal"),
    })  # fmt: skip


def stage_chart(case_list: list[dict[str, Any]]) -> Chart:
    """Draw cases by stage as horizontal bars, one per stage, in the order cases move."""
    counts = Counter(c["stage"] for c in case_list)
    rows: list[tuple[str, int]] = [(label, counts[key]) for key, label in stages.STAGES.items()]
    present = ", ".join(f"{label} {n}" for label, n in rows if n) or "none"
    chart = Chart(
        "cases-by-stage",
        "Cases by stage",
        f"{len(case_list)} cases. By stage: {present}.",
        height=len(rows) * 28 + 16,
        headers=["Stage", "Cases"],
        rows=[list(row) for row in rows],
    )
    left, right = 230, WIDTH - 50
    biggest = max((n for _, n in rows), default=0) or 1
    for number, (label, count) in enumerate(rows):
        top = 8 + number * 28
        _text(chart, left - 10, top + 15, label, "end")
        width = (right - left) * count / biggest
        if count:
            chart.rects.append({"x": left, "y": top + 2, "w": round(width, 1), "h": 18,
                                "fill": ON_TIME})  # fmt: skip
        _text(chart, left + width + 6, top + 15, count, weight="bold")
    chart.lines.append({"x1": left, "y1": 4, "x2": left, "y2": chart.height - 4, "stroke": AXIS})
    return chart


def _month_starts(today: date) -> list[date]:
    """Return the first day of each of the last MONTHS months, oldest first."""
    first = today.replace(day=1)
    return [clock.add_months(first, -n) for n in range(MONTHS - 1, -1, -1)]


def timeliness_chart(case_list: list[dict[str, Any]], step: str, today: date) -> Chart:
    """Draw on-time and late deadlines of one step, stacked, by the month they fell due."""
    months = _month_starts(today)
    on_time: Counter[date] = Counter()
    late: Counter[date] = Counter()
    for case in case_list:
        for deadline in deadlines.deadlines(case, today):
            status = deadline.status
            month = status.due.replace(day=1)
            if deadline.name != step or month not in months:
                continue
            if status.state == "met":
                on_time[month] += 1
            elif status.state in ("missed", "overdue"):
                late[month] += 1
    slug, title = STEPS[step]
    rows = [[f"{m:%B %Y}", on_time[m], late[m]] for m in months]
    late_months = [f"{name} ({n})" for name, _, n in rows if n]
    summary = (
        f"{title} by the month they were due, {rows[0][0]} to {rows[-1][0]}: "
        f"{sum(on_time.values())} on time and {sum(late.values())} late."
        + (f" Late in: {', '.join(late_months)}." if late_months else "")
    )
    chart = Chart(f"timeliness-{slug}", f"{title}: on time and late, month by month", summary,
                  height=300, headers=["Month due", "On time", "Late"], rows=rows,
                  legend=True)  # fmt: skip
    _stacked_bars(chart, months, on_time, late)
    return chart


def _stacked_bars(chart: Chart, months: list[date], on_time: Counter[date],
                  late: Counter[date]) -> None:  # fmt: skip
    """Lay out one stacked column per month with an axis, gridlines and value labels."""
    left, top, bottom = 44, 44, 250
    slot = (WIDTH - left - 8) / len(months)
    biggest = max((on_time[m] + late[m] for m in months), default=0)
    step = max(1, math.ceil(biggest / 4))
    scale_top = max(step * 4, 1)
    per_case = (bottom - top) / scale_top
    for tick in range(0, scale_top + 1, step):
        y = bottom - tick * per_case
        chart.lines.append({"x1": left, "y1": round(y, 1), "x2": WIDTH - 8, "y2": round(y, 1),
                            "stroke": "#b1b4b6" if tick else AXIS})  # fmt: skip
        _text(chart, left - 8, y + 5, tick, "end")
    for number, month in enumerate(months):
        x = left + number * slot + slot * 0.18
        width = round(slot * 0.64, 1)
        base: float = bottom
        for count, fill in ((on_time[month], ON_TIME), (late[month], LATE_FILL)):
            if not count:
                continue
            height = count * per_case
            chart.rects.append({"x": round(x, 1), "y": round(base - height, 1), "w": width,
                                "h": round(height, 1), "fill": fill})  # fmt: skip
            if height >= 18:
                _text(chart, x + width / 2, base - height / 2 + 5, count, "middle",
                      fill="#ffffff", weight="bold")  # fmt: skip
            base -= height
        _text(chart, x + width / 2, bottom + 20, f"{month:%b}", "middle")
        if number == 0 or month.month == 1:
            _text(chart, x + width / 2, bottom + 38, f"{month:%Y}", "middle")


def dashboard_charts() -> list[Chart]:
    """Return the dashboard's charts for the signed-in user (none for other roles)."""
    user = current_user()
    if user is None or user["role"] not in CHART_ROLES:
        return []
    case_list = cases.list_cases(user)
    today = uk_today()
    return [stage_chart(case_list)] + [timeliness_chart(case_list, s, today) for s in STEPS]
