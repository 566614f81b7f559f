"""How long each command takes as a user runs it, with its peak memory, beside its import floor and budget.

    python benchmarks/commands_speed.py                      # every size, 5 runs each
    python benchmarks/commands_speed.py --runs 3 --sizes example 60x200
    python benchmarks/commands_speed.py --markdown table.md  # also write the table for RESULTS.md
    python benchmarks/commands_speed.py --runs 3 --sizes 5000x20000 --timeout 1800  # a loaded machine

Each run is a fresh process (`python -m peermap_xl.cli ...`), timed from start to exit; its peak
memory is the child's own maximum resident set and its CPU time user + system (os.wait4): on a
shared machine the CPU time says more than the wall clock about what an idle one would show.
The figure is the median of the runs; the load column is the machine's one-minute load average
as the runs ended (least and most), which says how shared the machine was.
The floor of a command is a fresh process importing only what that command needs, so that
"1.5x the floor" means what the budget of issue 12 means. Sizes are the worked example and
synthetic networks (benchmarks/synthetic.py): subjects x links.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

AS_OF = "2026-10-01"
SIZES = {"example": None, "60x200": (60, 200), "1000x4000": (1000, 4000), "5000x20000": (5000, 20000)}
FLOORS = {  # what each command needs to import from other projects, as a fresh process (no pyplot, and
    # no scipy below a few hundred nodes: tests/test_latency.py checks that a meeting-sized map imports neither)
    "check": "import openpyxl, pandas",
    "map": "import openpyxl, pandas, networkx, matplotlib.figure, matplotlib.backends.backend_agg",
    "minutes": "import openpyxl, pandas, networkx, matplotlib.figure, matplotlib.backends.backend_agg, docx",
}
#: (seconds, MB) per size and command; for `check` on the worked example, seconds are a multiple of its floor.
BUDGETS = {
    "example": {"check": ("1.5x floor", None), "map": (1.5, None), "minutes": (1.5, None)},
    "60x200": {},
    "1000x4000": {"check": (3, 1024), "map": (10, 1024), "minutes": (12, 1024)},
    "5000x20000": {"check": (90, 2048), "map": (90, 2048), "minutes": (90, 2048)},
}
TIMEOUT = 600
HEADER = ("| subjects x links | command | median | CPU (median) | import floor | peak memory | budget | runs | load |\n"
          "|---|---|---|---|---|---|---|---|---|\n")


def run(args: list[str]) -> tuple[float, float, int, float]:
    """(seconds, peak MB, exit code, CPU seconds) of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + TIMEOUT
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            return float("inf"), usage.ru_maxrss / 1024, -9, usage.ru_utime + usage.ru_stime
        time.sleep(0.01)
    return (time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status),
            usage.ru_utime + usage.ru_stime)


def median_of(args: list[str], runs: int, warm: bool = True) -> dict:
    if warm:  # a first run, not counted: it fills the disk cache and matplotlib's font cache
        run(args)
    results, loads = [], []
    for _ in range(runs):
        results.append(run(args))
        loads.append(os.getloadavg()[0])  # the machine's load over the last minute, as the run ended
    return {"seconds": statistics.median(r[0] for r in results), "mb": max(r[1] for r in results),
            "cpu": statistics.median(r[3] for r in results), "load": (min(loads), max(loads)),
            "failed": sum(r[2] not in (0, 1) for r in results), "runs": runs}


def workbook(size: str, folder: Path) -> Path:
    if SIZES[size] is None:
        from peermap_xl.examples import write_example

        return write_example(folder / "example.xlsm")
    subjects, links = SIZES[size]
    return synthetic.write(folder / f"synthetic-{size}.xlsm", subjects, links)


def commands(book: Path, folder: Path) -> dict[str, list[str]]:
    cli = ["-m", "peermap_xl.cli"]
    return {"check": [*cli, "check", str(book), "--as-of", AS_OF],
            "map": [*cli, "map", str(book), "--as-of", AS_OF, "--out", str(folder / "map.png")],
            "minutes": [*cli, "minutes", str(book), "--out", str(folder / "minutes.docx")]}


def measure(size: str, runs: int, floors: dict) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        book = workbook(size, folder)
        for command, args in commands(book, folder).items():
            timing = median_of(args, runs, warm=size == "example")
            row = {"size": size, "command": command, **timing, "floor": floors[command]["seconds"],
                   "floor_cpu": floors[command]["cpu"]}
            rows.append(row)
            print(line(row), flush=True)
    return rows


def verdict(row: dict) -> str:
    budget = BUDGETS[row["size"]].get(row["command"])
    if not budget:
        return "no budget"
    seconds, mb = budget
    if seconds == "1.5x floor":
        ok = row["seconds"] <= 1.5 * row["floor"]
        text = f"{row['seconds'] / row['floor']:.2f}x floor (budget 1.5x)"
    else:
        ok = row["seconds"] <= seconds
        text = f"budget {seconds} s"
    if mb:
        ok = ok and row["mb"] <= mb
        text += f", {mb} MB"
    return ("met: " if ok else "MISSED: ") + text


def line(row: dict) -> str:
    failed = f" ({row['failed']} runs failed)" if row["failed"] else ""
    return (f"| {row['size']} | {row['command']} | {row['seconds']:.2f} s{failed} | {row['cpu']:.2f} s | "
            f"{row['floor']:.2f} s (CPU {row['floor_cpu']:.2f} s) | "
            f"{row['mb']:.0f} MB | {verdict(row)} | {row['runs']} | {row['load'][0]:.1f}-{row['load'][1]:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", nargs="*", default=list(SIZES))
    parser.add_argument("--markdown")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds of wall clock before a run is stopped")
    parser.add_argument("--no-floors", action="store_true", help="skip measuring the import floors (shown as 0)")
    options = parser.parse_args()
    globals()["TIMEOUT"] = options.timeout
    print(HEADER, end="")
    floors = ({command: {"seconds": 0.0, "cpu": 0.0} for command in FLOORS} if options.no_floors else
              {command: median_of(["-c", code], options.runs) for command, code in FLOORS.items()})
    rows = []
    for size in options.sizes:
        rows += measure(size, options.runs, floors)
        if options.markdown:  # after each size: a long run stopped part-way keeps what it measured
            Path(options.markdown).write_text(HEADER + "".join(line(r) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
