"""How long each button takes in Python, measured through xlwings' remote engine (no Excel here).

    XLWINGS_LICENSE_KEY=noncommercial python benchmarks/buttons_speed.py

For a meeting-sized network (60 people, 200 links) and the worked example: the import of
peermap_xl.buttons (paid once per Excel session when RunPython keeps Python running, on every
click when it does not) and each button's own time. Excel's side (starting Python, applying
the writes) is not measured here: that needs real Excel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import synthetic  # noqa: E402


def main() -> None:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import peermap_xl.buttons"], check=True)
    print(f"a fresh Python importing peermap_xl.buttons: {time.perf_counter() - start:.2f}s")
    import xlwings as xw
    from xlwings_payload import payload

    from peermap_xl import buttons
    from peermap_xl.examples import write_example

    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        books = {"worked example": write_example(Path(folder) / "example.xlsm"),
                 "60 people, 200 links": synthetic.write(Path(folder) / "synthetic.xlsm", 60, 200)}
        for label, path in books.items():
            data = payload(path)
            timings = []
            for action in (buttons.check, buttons.draw_map, buttons.minutes, buttons.review, buttons.anonymised_pack):
                book = xw.Book(json=data)
                start = time.perf_counter()
                action(book)
                timings.append(f"{action.__name__} {time.perf_counter() - start:.2f}s")
            print(f"{label}: " + ", ".join(timings))


if __name__ == "__main__":
    main()
