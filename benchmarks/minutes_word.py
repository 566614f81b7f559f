"""The minutes' own work in one process, without the map: their content (sections, Figure 1, the prompts)
and the Word file, on networks of several sizes.

    python benchmarks/minutes_word.py                 # the worked example, 60/200 and 1000/4000
    python benchmarks/minutes_word.py 5000 20000      # one size
    python benchmarks/minutes_word.py --repeat 7

Each is timed after one call that warms the process (as a warm Excel click), as the median of the later
calls, in CPU time (this process's own: fairer than wall time on a shared machine) and wall time. The
map is drawn apart (`peermap map`, benchmarks/outputs_speed.py); `peermap minutes` as a whole process is in
benchmarks/commands_speed.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402
from peermap_xl import minutes  # noqa: E402
from peermap_xl.examples import write_example  # noqa: E402
from peermap_xl.record.reading import read_network  # noqa: E402

SIZES = ((0, 0), (60, 200), (1000, 4000))  # (0, 0): the worked example


def timed(action, repeat: int) -> tuple[float, float]:
    """Median (CPU, wall) seconds of `repeat` calls after a first one."""
    action()
    times = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.process_time() - cpu, time.perf_counter() - wall))
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def measure(book: Path, folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    network = read_network(book)
    session = minutes.pick_session(network, None)
    day = session["date"].date()

    def content():
        return minutes.render(minutes.Meeting(network, session["id"]))

    blocks = content()
    return {"content": timed(content, repeat),
            "Word file": timed(lambda: minutes.to_docx(blocks, folder / "m.docx", "OFFICIAL", day, "Minutes"), repeat),
            "tables": (sum(isinstance(b, minutes.Table) for b in blocks), 0.0)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="*", type=int, help="subjects and links (default: three sizes)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = [tuple(args.size[:2])] if args.size else SIZES
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.repeat} warm calls, CPU (wall)")
    for subjects, links in sizes:
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp)
            book = (write_example(folder / "example.xlsm") if not subjects
                    else synthetic.write(folder / "bench.xlsm", subjects, links))
            found = measure(book, folder, args.repeat)
            name = "worked example" if not subjects else f"{subjects}/{links}"
            (content_cpu, content_wall), (word_cpu, word_wall) = found["content"], found["Word file"]
            print(f"{name:>15}: {int(found['tables'][0]):>5} tables | content {content_cpu:6.3f} s ({content_wall:.3f})"
                  f" | Word file {word_cpu:6.3f} s ({word_wall:.3f})")


if __name__ == "__main__":
    main()
