"""What the working calendar costs a command: the working time between two instants (every step's
and every finished dossier's figures) and a deadline (every step that becomes ready), in one run.

Run from the project root::

    python -m bench.calendar            # spans of 1, 5, 20 and 60 working days
    python -m bench.calendar --json     # exactly one JSON object on stdout

Cold: the first walk over those days by a calendar just built (a worker that just started, or a
calendar reloaded after a change of days off), which is what every walk cost before the calendar
kept each working day's periods; warm: the same walk again, as every later command makes it. Microseconds, median of
``--repeat`` calls. Benchmarks print figures; they never assert.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime, timedelta
from typing import Any

from engine.calendar.working_calendar import VIETNAM, WorkingCalendar

SPANS_WORKING_DAYS = (1, 5, 20, 60)
START = datetime(2026, 12, 2, 9, 15, tzinfo=VIETNAM)


def _us(function: Any, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1e6, 1)


def measure(repeat: int) -> list[dict[str, Any]]:
    return [_span(days, repeat) for days in SPANS_WORKING_DAYS]


def _span(days: int, repeat: int) -> dict[str, Any]:
    duration = timedelta(hours=8 * days)
    end = WorkingCalendar().add_working_time(START, duration)
    fresh = iter([WorkingCalendar() for _ in range(repeat)])
    warm = WorkingCalendar()
    warm.working_time_between(START, end)
    return {
        "working_days": days,
        "between_cold_us": _us(lambda: next(fresh).working_time_between(START, end), repeat),
        "between_warm_us": _us(lambda: warm.working_time_between(START, end), repeat),
        "deadline_warm_us": _us(lambda: warm.add_working_time(START, duration), repeat),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calendar", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000, help="calls timed for each figure")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = parser.parse_args(argv)
    rows = measure(args.repeat)
    if args.json:
        print(json.dumps({"calendar": rows}))
        return 0
    print("Working calendar, microseconds (median):")
    print(f"  {'working days':>12}  {'between cold':>12}  {'between warm':>12}  {'deadline warm':>13}")
    for row in rows:
        print(f"  {row['working_days']:>12}  {row['between_cold_us']:>12}  {row['between_warm_us']:>12}  "
              f"{row['deadline_warm_us']:>13}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
