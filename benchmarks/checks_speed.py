"""How long reading, checking and recording take on networks of several sizes.

    python benchmarks/checks_speed.py            # 60/200, 300/1200 and 1000/4000 subjects/links
    python benchmarks/checks_speed.py 1000 4000  # one size

Prints seconds for: reading the workbook, running every rule, `peermap check`
as a user runs it (a fresh process, imports included), and `check --write`;
and the peak memory of the checking process. Target (issue 3): a few seconds
at 1,000 subjects and 4,000 links.
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402
from peermap_xl.checks import counts, run_checks  # noqa: E402
from peermap_xl.record.reading import read_network  # noqa: E402

AS_OF = dt.date(2026, 10, 1)


def timed(action):
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def command(*args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "peermap_xl.cli", *map(str, args)], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(subjects: int, links: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = synthetic.write(Path(folder) / f"synthetic-{subjects}.xlsm", subjects, links)
        read_s, network = timed(lambda: read_network(path))
        check_s, findings = timed(lambda: run_checks(network, AS_OF))
        cli_s = command("check", path, "--as-of", AS_OF)
        copy = shutil.copy(path, Path(folder) / "copy.xlsm")
        write_s = command("check", copy, "--as-of", AS_OF, "--write")
        n = counts(findings)
        print(f"{subjects:>5} subjects {links:>5} links | read {read_s:5.2f}s  rules {check_s:5.2f}s  "
              f"peermap check {cli_s:5.2f}s  check --write {write_s:5.2f}s | findings "
              f"{n['error']}E {n['warning']}W {n['info']}I")


def main() -> None:
    sizes = [(int(sys.argv[1]), int(sys.argv[2]))] if len(sys.argv) == 3 else [(60, 200), (300, 1200), (1000, 4000)]
    start = time.perf_counter()
    command("rules")
    print(f"peermap rules (start-up and catalogue): {time.perf_counter() - start:.2f}s")
    for subjects, links in sizes:
        measure(subjects, links)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (reading and checking in-process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
