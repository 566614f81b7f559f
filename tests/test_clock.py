"""One clock: "today" comes from peermap_xl.contract.domain.today, and the tests fix it (tests/conftest.py).

The suite passes whatever the calendar says (`faketime '2030-01-15 09:00:00' .venv/bin/python -m pytest`), because
every result that depends on the day is computed as of the worked example's own date, 01/10/2026. The last test here
runs the demo on the real date (tests/test_buttons.py presses Check on it) and asserts only what does not depend on it.
"""

import ast
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from peermap_xl.contract import domain
from peermap_xl.contract.errors import PeermapError
from peermap_xl.examples import city_road

PACKAGE = Path(domain.__file__).resolve().parent.parent  # peermap_xl/
# Calls that read the calendar or the wall clock as a day. time.time() for a temporary file's age is not a day.
CALENDAR_CALLS = {("date", "today"), ("datetime", "today"), ("datetime", "now"), ("datetime", "utcnow"),
                  ("Timestamp", "now"), ("Timestamp", "today"), ("Timestamp", "utcnow")}


def _calendar_calls(path: Path) -> list[str]:
    """Every call of the calendar in one module, as 'file:line name.attr', and pd.Timestamp("today"/"now")."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        words = [a.value.lower() for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if (owner_name, node.func.attr) in CALENDAR_CALLS or (node.func.attr == "Timestamp" and
                                                               {"today", "now"} & set(words)):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {owner_name}.{node.func.attr}")
    return found


def test_only_the_domain_s_clock_reads_the_calendar():
    calls = [call for module in sorted(PACKAGE.rglob("*.py")) for call in _calendar_calls(module)]
    clock = [c for c in calls if c.startswith(f"{PACKAGE.name}/contract/domain.py:")]
    assert len(clock) == 1, clock  # the one call, inside domain.today
    assert calls == clock, "read the day through contract.domain.today(), not the calendar:\n" + "\n".join(calls)


def test_the_scan_finds_each_way_of_reading_the_calendar(tmp_path):
    """The scan above can fail: each form it looks for, planted in a module, is found."""
    module = tmp_path / "planted.py"
    module.write_text("import datetime as dt\nimport pandas as pd\nfrom datetime import date, datetime\n"
                      "a = dt.date.today()\nb = datetime.now()\nc = pd.Timestamp.now()\nd = pd.Timestamp('today')\n"
                      "e = date.today()\nf = dt.datetime.utcnow()\ng = dt.date(2026, 10, 1)\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        found = _calendar_calls(module)
    finally:
        PACKAGE = saved
    assert [line.split(" ")[0].rsplit(":", 1)[1] for line in found] == ["4", "5", "6", "7", "8", "9"]


def test_the_tests_run_on_the_worked_example_s_date():
    assert os.environ[domain.TODAY_VARIABLE] == city_road.AS_OF.isoformat()
    assert domain.today() == city_road.AS_OF


def test_the_clock_can_be_fixed_for_a_reproducible_run(monkeypatch):
    monkeypatch.setenv(domain.TODAY_VARIABLE, "2030-01-15")
    assert domain.today() == dt.date(2030, 1, 15)
    monkeypatch.setenv(domain.TODAY_VARIABLE, "15/01/2030")
    with pytest.raises(PeermapError, match="PEERMAP_TODAY is not a date as YYYY-MM-DD"):
        domain.today()


def test_the_clock_is_the_calendar_when_nothing_fixes_it(real_calendar):
    before = dt.date.today()
    assert domain.today() in (before, dt.date.today())  # the same day, unless midnight passed between


def _stale_links(book: Path, today: str) -> set[str]:
    """The links `peermap check` flags as stale when the clock says `today` and no --as-of is given."""
    import json

    env = {**os.environ, domain.TODAY_VARIABLE: today}
    done = subprocess.run([sys.executable, "-m", "peermap_xl.cli", "check", str(book), "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return {f["id"] for f in json.loads(done.stdout) if f["rule"] == "stale-link"}


def test_the_command_s_default_date_is_the_clock_s(example_book):
    """No --as-of: the day comes from the clock, in a process of its own. L16 (last seen 20/09/2026) is fresh on
    the example's date and stale eight months later."""
    on_the_day, later = _stale_links(example_book, "2026-10-01"), _stale_links(example_book, "2027-06-01")
    assert "L16" not in on_the_day and "L16" in later
    assert on_the_day < later


def test_the_demo_runs_on_the_real_date(real_calendar, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != domain.TODAY_VARIABLE}
    done = subprocess.run([sys.executable, "-m", "peermap_xl.cli", "demo", "--out", str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / city_road.FILE_NAME).exists()
    assert any(p.suffix == ".docx" for p in tmp_path.iterdir())
