"""How long the map and the minutes take for networks of several sizes.

    python benchmarks/outputs_speed.py          # 60/200 and 200/800 subjects/links

Each is timed as a user runs it (`peermap map`, `peermap minutes`, a fresh process with its
imports). Target (issue 5): the minutes of a 200-subject network in a few seconds.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402


def command(*args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "peermap_xl.cli", *map(str, args)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    for subjects, links in ((60, 200), (200, 800)):
        with tempfile.TemporaryDirectory() as folder:
            book = synthetic.write(Path(folder) / "bench.xlsm", subjects, links)
            map_s = command("map", book, "--as-of", "2026-10-01")
            write_s = command("map", book, "--as-of", "2026-10-01", "--write")
            minutes_s = command("minutes", book)
            docx = next(Path(folder).glob("*.docx"))
            print(f"{subjects:>4} subjects {links:>4} links | map {map_s:5.2f}s  map --write {write_s:5.2f}s  "
                  f"minutes {minutes_s:5.2f}s ({docx.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
