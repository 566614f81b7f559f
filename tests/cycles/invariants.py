"""What must hold after every step of a meeting cycle, for every file the step wrote: a registry.

An invariant is a function of one `Step` (the command and its arguments, its exit code and what it said, the
files it wrote, the folder's files before and after, the record the harness expects) that raises
AssertionError when the step broke it. Register one with `@invariant("a-name")`; it then runs after every step
of every generated cycle. One that fails on today's code because its fix has not landed goes in `PENDING`
(name -> issue) with a test showing it fires (test_cycles.py); whoever lands the fix deletes it from PENDING.
Set PEERMAP_CYCLES_PENDING=1 to run the pending ones too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .strategies import Case, folded

#: Invariants that fail on today's code, switched off until the named issue's fix lands on main.
PENDING: dict[str, str] = {}
RUN_PENDING = bool(os.environ.get("PEERMAP_CYCLES_PENDING"))
#: Commands whose exit 1 says the data has errors but still writes (check --write); elsewhere 1 is a refusal.
REPORTS_ERRORS = ("check",)
WORKBOOKS = (".xlsm", ".xlsx")
EARLIER = re.compile(r"(.+) \(earlier \d+\)")


@dataclass(frozen=True)
class FileState:
    digest: str
    mode: int
    link: str | None  # where a symbolic link points


def folder_state(folder: Path) -> dict[str, FileState]:
    """Every file under `folder` (relative name -> content hash, permissions, link target)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(folder))] = FileState("", 0, os.readlink(path))
        elif path.is_file():
            out[str(path.relative_to(folder))] = FileState(hashlib.sha256(path.read_bytes()).hexdigest(),
                                                           stat.S_IMODE(path.stat().st_mode), None)
    return out


@dataclass
class Cycle:
    """What a cycle remembers across its steps, for the invariants that look across steps."""

    folder: Path
    book: Path
    decoys: dict[Path, str] = field(default_factory=dict)  # files planted links point to -> their hash
    memory: dict[str, dict] = field(default_factory=dict)  # per invariant: its own notes
    minutes_written: set[str] = field(default_factory=set)  # held sessions whose minutes were written (--write)
    closed_on: dt.date | None = None
    libreoffice_left: int = 0  # files LibreOffice may still open in this cycle

    def notes(self, name: str) -> dict:
        return self.memory.setdefault(name, {})


@dataclass
class Step:
    """One step of a cycle: a command run in-process (argv, rc, what it said) or an edit (argv None)."""

    name: str
    argv: list[str] | None
    rc: int | None
    out: str
    err: str
    before: dict[str, FileState]
    after: dict[str, FileState]
    case: Case
    today: dt.date
    cycle: Cycle
    names_mode: str = "Initials"  # the Network's Names on outputs when the step ran
    repeat: bool = False  # the same write run again at once
    cells_before: dict | None = None  # every sheet's cell values, for a repeated write
    cells_after: dict | None = None

    @property
    def command(self) -> str | None:
        return self.argv[0] if self.argv else None

    @property
    def refused(self) -> bool:
        return self.rc is not None and (self.rc == 2 or (self.rc == 1 and self.command not in REPORTS_ERRORS))

    @property
    def changed(self) -> list[str]:
        """Files new, changed or gone (relative names)."""
        return sorted(k for k in set(self.before) | set(self.after) if self.before.get(k) != self.after.get(k))

    @property
    def written(self) -> list[Path]:
        """The files this step wrote (new or changed), as paths."""
        return [self.cycle.folder / k for k in self.changed if k in self.after and self.after[k].link is None]

    @property
    def outputs(self) -> list[Path]:
        """What the step wrote other than the workbook and its backup, and the earlier documents it kept."""
        return [p for p in self.written if p.suffix.lower() not in WORKBOOKS and not self.kept_earlier(p)]

    def kept_earlier(self, path: Path) -> bool:
        """A document there before, kept under a new name ("... (earlier 1).docx") as it was."""
        base = EARLIER.fullmatch(path.stem)
        if base is None:
            return False
        was = self.before.get(str(path.with_name(base.group(1) + path.suffix).relative_to(self.cycle.folder)))
        return was is not None and was.digest == self.after[str(path.relative_to(self.cycle.folder))].digest

    @property
    def anonymised(self) -> bool:
        return bool(self.argv) and "--anonymise" in self.argv

    @property
    def restricted(self) -> bool:
        """Outputs that must carry no name: Initials or Codes on the Network sheet, or --anonymise."""
        return self.anonymised or self.names_mode in ("Initials", "Codes")

    @cached_property
    def network(self):
        """The workbook as read after the step."""
        from peermap_xl.record.reading import read_network

        return read_network(self.cycle.book)


@dataclass(frozen=True)
class Invariant:
    name: str
    check: Callable[[Step], None]

    @property
    def pending(self) -> str | None:
        return None if RUN_PENDING else PENDING.get(self.name)


REGISTRY: list[Invariant] = []


def invariant(name: str):
    """Register `fn(step)` under `name`: it runs after every step of every cycle (unless PENDING)."""
    def add(fn):
        assert name not in {i.name for i in REGISTRY}, name
        REGISTRY.append(Invariant(name, fn))
        return fn
    return add


def check_step(step: Step, only: tuple[str, ...] | None = None, pending: bool = False) -> None:
    """Run every registered invariant (or those named in `only`; pending ones too with `pending`)."""
    for inv in REGISTRY:
        if (only is None and (inv.pending is None or pending)) or (only and inv.name in only):
            try:
                inv.check(step)
            except AssertionError as exc:
                raise AssertionError(f"[{inv.name}] after {step.name} {step.argv or ''}: {exc}") from exc


# --- reading outputs as their readers do ------------------------------------------------------------


def every_text(path: Path) -> str:
    """All the text in a file: every XML part of a .docx/.xlsx (tags as spaces, entities decoded), an SVG's
    text, a PNG's text chunks, a JSON file; the file's own name first."""
    import html

    data = path.read_bytes()
    parts = [path.name]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                raw = package.read(name)
                if name.endswith((".xml", ".rels", ".vml")) or not name.endswith(("bin", ".png", ".jpeg", ".emf")):
                    parts += [name, raw.decode("utf-8", "replace")]
    elif path.suffix.lower() == ".png":
        parts += png_texts(data)
    else:
        parts.append(data.decode("utf-8", "replace"))
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))


def png_texts(data: bytes) -> list[str]:
    """The text chunks (tEXt, iTXt, zTXt) of a PNG."""
    import struct
    import zlib

    out, at = [], 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"tEXt":
            out.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            out.append(key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            out.append(body.replace(b"\0", b" ").decode("utf-8", "replace"))
        at += 12 + length
    return out


def docx_paragraphs(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs]


def mentions(text: str, forms: set[str]) -> list[str]:
    """The name forms found in `text` as whole words (case, accents and apostrophes folded)."""
    said = folded(text)
    return sorted(f for f in forms if re.search(rf"(?<![\w]){re.escape(folded(f))}(?![\w])", said))


def workbook_cells(path: Path) -> dict:
    """{sheet: {cell: value}} of every cell with a value (what a repeated write must leave as it was)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


# --- the invariants of every step (issue 24) ---------------------------------------------------------


@invariant("exit-0-1-2-with-a-message")
def _exit_codes(step: Step) -> None:
    if step.rc is None:
        return
    assert step.rc in (0, 1, 2), f"exit {step.rc}: {where_it_failed(step.err)}"
    assert "Traceback" not in step.out + step.err, step.err[-500:]
    if step.rc:
        assert (step.err + step.out).strip(), "a failure that says nothing"


def where_it_failed(err: str) -> str:
    """A traceback's frames in peermap and its last line; else the end of what the command said."""
    lines = err.strip().splitlines()
    if not any(line.startswith("Traceback") for line in lines):
        return err.strip()[-500:]
    ours = [f"{a.strip()} | {b.strip()}" for a, b in zip(lines, lines[1:]) if "peermap_xl/" in a]
    return "\n".join([*ours[-8:], lines[-1]])


@invariant("a-refusal-changes-nothing")
def _refusal(step: Step) -> None:
    if step.refused:  # close too: refused for the record's errors, it had closed the network (found here)
        assert not step.changed, f"{step.command} refused (exit {step.rc}) yet changed {step.changed}"


@invariant("every-output-opens")
def _opens(step: Step) -> None:
    for path in step.written:
        opens(path)


def opens(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        docx.Document(str(path))
    elif suffix == ".png":
        from PIL import Image

        with Image.open(path) as picture:
            picture.load()
    elif suffix in WORKBOOKS:
        import openpyxl

        openpyxl.load_workbook(path, keep_vba=suffix == ".xlsm")
    elif suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif suffix == ".svg":
        import xml.etree.ElementTree as ET

        ET.parse(path)
    elif suffix == ".pdf":
        assert path.read_bytes()[:5] == b"%PDF-", path.name


@invariant("a-sample-opens-in-libreoffice")
def _libreoffice(step: Step) -> None:
    soffice = shutil.which("soffice")
    sample = [p for p in step.written if p.suffix.lower() in (".docx", *WORKBOOKS) and "backup" not in p.name]
    if not soffice or not sample or step.cycle.libreoffice_left <= 0:
        return
    step.cycle.libreoffice_left -= 1
    path = sample[0]
    with tempfile.TemporaryDirectory(dir=step.cycle.folder.parent) as out:
        subprocess.run([soffice, f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", out, str(path)], capture_output=True, timeout=180, check=False)
        pdf = Path(out) / (path.stem + ".pdf")
        assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", f"LibreOffice could not open {path.name}"


@invariant("nobody-dropped-or-merged-on-the-map")
def _map_everyone(step: Step) -> None:
    for path in step.written:
        if path.suffix == ".json" and step.command == "map" and step.rc == 0:
            drawn = json.loads(path.read_text(encoding="utf-8"))
            ids = [n["id"] for n in drawn["nodes"]]
            assert len(ids) == len(set(ids)), f"drawn twice: {sorted({i for i in ids if ids.count(i) > 1})}"
            net = step.network
            wanted = set(net.active_subjects["id"]) | set(net.active_contexts["id"])
            assert set(ids) == wanted, f"left off {sorted(wanted - set(ids))}, extra {sorted(set(ids) - wanted)}"
            labels = [n["label"] for n in drawn["nodes"]]
            assert len(labels) == len(set(labels)), f"two drawn as one: {[x for x in labels if labels.count(x) > 1]}"


@invariant("nobody-dropped-or-merged-in-the-minutes")
def _minutes_everyone(step: Step) -> None:
    """Figure 1 has one table for each young person, under their label, each once; for the minutes of the
    latest session written on its day, every active young person of the record."""
    if step.command != "minutes" or step.rc != 0:
        return
    from peermap_xl.minutes import pick_session
    from peermap_xl.record import labels

    for path in step.outputs:
        if path.suffix != ".docx":
            continue
        shown = figure_one_labels(path)
        assert len(shown) == len(set(shown)), f"{path.name}: Figure 1 twice for {shown}"
        net = step.network
        latest = pick_session(net, None)
        asked = step.argv[step.argv.index("--session") + 1] if "--session" in step.argv else latest["id"]
        if asked == latest["id"] and latest["date"].date() == step.today:
            young = net.active_subjects[net.active_subjects["type"] == "Young person"]["id"]
            view = labels.View(net, step.anonymised)
            wanted = sorted(view.label(rid) for rid in young)
            assert sorted(shown) == wanted, f"{path.name}: Figure 1 for {sorted(shown)}, the record has {wanted}"


def figure_one_labels(path: Path) -> list[str]:
    """The headings over Figure 1's tables (one per young person)."""
    import docx

    body = docx.Document(str(path)).element.body
    shown, last, inside = [], None, False
    for element in body.iterchildren():
        if element.tag.endswith("}p"):
            text = "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t")).strip()
            if text.startswith("Young people (Figure 1)"):
                inside = True
            elif inside and text.startswith(("The young person", "Incidents", "Information gaps")):
                break
            elif inside and text and last is None:
                last = text
        elif element.tag.endswith("}tbl") and inside:
            if last is not None:
                shown.append(last)
            last = None
    return shown


@invariant("a-write-done-twice-changes-nothing")
def _idempotent(step: Step) -> None:
    if step.repeat and step.cells_before is not None and step.rc in (0, 1):
        for sheet in set(step.cells_before) | set(step.cells_after):
            before, after = step.cells_before.get(sheet, {}), step.cells_after.get(sheet, {})
            moved = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            assert not moved, f"the second {step.command} --write changed {sheet}!{', '.join(moved[:8])}"


@invariant("the-workbook-reads-back-as-the-record")
def _reads_back(step: Step) -> None:
    """Every person, place, link, question, action, session and incident the team recorded is there, as
    typed (references may be rewritten, but to whom they were meant to name)."""
    if step.refused:
        return
    from peermap_xl.record.model import clean_text

    net = step.network
    for sheet, frame, keys in (("Subjects", net.subjects, ("Name", "Type", "Status", "Concerns")),
                               ("Contexts", net.contexts, ("Name", "Type", "Status")),
                               ("Links", net.links, ("Relationship", "Status", "Notes")),
                               ("Gaps", net.gaps, ("Question", "Status", "Answer")),
                               ("Actions", net.actions, ("Action", "Status", "Outcome")),
                               ("Incidents", net.incidents, ("What happened",))):
        got = {r["id"]: r for r in frame.to_dict("records")}
        for row in step.case.rows[sheet]:
            assert row["ID"] in got, f"{sheet} {row['ID']} is gone"
            for header in keys:
                key = re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")
                want, have = clean_text(row.get(header)), got[row["ID"]].get(key)
                have = None if have is None or have != have else clean_text(have)
                assert (want or None) == (have or None), f"{sheet} {row['ID']} {header}: {have!r}, not {want!r}"
            if sheet == "Links" and not row.get("_typo"):
                for typed_ref, end, want in ((row["From"], "from_id", row["_from"]), (row["To"], "to_id", row["_to"])):
                    have, could = got[row["ID"]][end], step.case.could_mean(typed_ref)
                    have = None if have != have else have
                    if len(could) > 1:  # a name two records share: no guess at either
                        assert have is None, f"link {row['ID']} {end}: {have}, a guess between {sorted(could)}"
                    else:
                        assert have == want, f"link {row['ID']} {end}: {have}, not {want}"
    people = set(net.subjects["id"]) | set(net.contexts["id"])
    meant = {r["ID"] for s in ("Subjects", "Contexts") for r in step.case.rows[s]}
    assert people == meant, f"people or places added or lost: {sorted(people ^ meant)}"


# --- names (issue 25) ------------------------------------------------------------------------------


@invariant("no-name-in-restricted-output")
def _no_names(step: Step) -> None:
    """In Initials and Codes outputs (and anonymised ones), no name form of any subject, in any part of any
    file: every XML part, SVG text, PNG text chunks, JSON, file names."""
    if not step.restricted or step.rc not in (0, 1):
        return
    forms = {f for p in step.case.people.values() for f in p.forms()}
    for path in step.outputs:
        found = mentions(every_text(path), forms)
        assert not found, f"{path.name} ({'anonymised' if step.anonymised else step.names_mode}) names {found}"


@invariant("no-code-names-two-people")
def _stable_codes(step: Step) -> None:
    """A code (YP1, ADULT1, UNK1, LOC1) names one person or place across all the steps of a cycle."""
    if step.command != "map" or step.rc != 0 or not (step.anonymised or step.names_mode == "Codes"):
        return
    seen = step.cycle.notes("codes")
    for path in step.outputs:
        if path.suffix == ".json":
            for node in json.loads(path.read_text(encoding="utf-8"))["nodes"]:
                code = node["label"]
                if re.fullmatch(r"[A-Z]+\d+", code):
                    first = seen.setdefault(code, (node["id"], step.today))
                    assert first[0] == node["id"], (f"{code} named {first[0]} on {first[1]} and {node['id']} "
                                                    f"on {step.today}")


# --- the session cycle (issue 26) ------------------------------------------------------------------


def _held(step: Step) -> list[dict]:
    """The sessions the harness held: dated on or before today, not cancelled, and not still marked Booked once
    its day has passed (a booked session is the meeting on its day; after it, held once the team marks it or
    peermap records it: its minutes written, its review)."""
    return [r for r in step.case.rows["Sessions"] if not r.get("_cancelled") and r["Date"] <= step.today
            and (r.get("Status") != "Booked" or r["Date"] == step.today)]


@invariant("booked-never-counted-held")
def _booked_not_held(step: Step) -> None:
    """peermap counts as held only the sessions the team held: never one booked or cancelled, in the record
    (every step) or in what minutes and subject lists say."""
    held = _held(step)
    if not step.refused:
        counted = set(step.network.sessions_held(on=step.today)["id"])
        wrong = sorted(counted - {r["ID"] for r in held})
        assert not wrong, f"booked or cancelled sessions counted as held: {wrong}"
    if step.command not in ("minutes", "invite", "close") or step.rc != 0:
        return
    for path in step.outputs:
        if path.suffix != ".docx":
            continue
        text = "\n".join(docx_paragraphs(path))
        for n in re.findall(r"(\d+) sessions? held since", text):
            assert int(n) <= len(held), f"{path.name} says {n} held since; {len(held)} held in all"
        for latest in re.findall(r"sessions?, the latest on (\d\d/\d\d/\d{4})", text):
            on = dt.datetime.strptime(latest, "%d/%m/%Y").date()
            assert on <= step.today, f"{path.name}: the latest session {latest} is still ahead (booked)"


@invariant("held-minutes-have-snapshot")
def _snapshots(step: Step) -> None:
    """Every held session whose minutes were written (--write) has its snapshot on History."""
    if step.refused:
        return
    history = step.network.history
    kept = set(history["session"]) if history is not None and len(history) else set()
    missing = sorted(step.cycle.minutes_written - kept)
    assert not missing, f"minutes written with --write but no snapshot on History: {missing}"


@invariant("documents-never-overwritten")
def _kept(step: Step) -> None:
    """A document (minutes, a subject list) written again keeps the earlier one beside it, as it was."""
    if step.argv is None:
        return
    after = {state.digest for state in step.after.values()}
    lost = [name for name, state in step.before.items() if name.endswith(".docx") and " (earlier " not in name
            and state.digest not in after]
    assert not lost, f"{step.name} overwrote {lost} without keeping it"


@invariant("one-next-review-date")
def _one_next_review(step: Step) -> None:
    for path in step.outputs:
        if path.suffix == ".docx":
            text = "\n".join(docx_paragraphs(path))
            dates = set(re.findall(r"[Nn]ext review\D{0,40}?(\d\d/\d\d/\d{4})", text))
            assert len(dates) <= 1, f"{path.name} gives next reviews {sorted(dates)}"


@invariant("closed-stays-closed")
def _closed(step: Step) -> None:
    """Once closed, the network says Closed after every step, and closing it again is refused (exit 2)."""
    if step.cycle.closed_on is None:
        return
    assert step.network.settings.closed, f"closed on {step.cycle.closed_on}, open again after {step.name}"
    if step.command == "close" and not step.repeat and step.rc == 0 and step.cycle.notes("closed").get("seen"):
        raise AssertionError(f"closed again (closed on {step.cycle.closed_on})")
    step.cycle.notes("closed")["seen"] = True


# --- honest maps (issue 27) ------------------------------------------------------------------------


@invariant("no-link-through-a-circle")
def _no_link_through(step: Step) -> None:
    """From --layout-json: every link clears every circle it does not join."""
    for path in step.outputs:
        if path.suffix == ".json" and step.command == "map":
            hits = links_through_circles(json.loads(path.read_text(encoding="utf-8")))
            assert not hits, f"{path.name}: " + "; ".join(f"{e} through {n} ({d:.1f} px from its centre)"
                                                         for e, n, d in hits[:5])


def links_through_circles(drawn: dict) -> list[tuple[str, str, float]]:
    """(link, node, distance) for each link whose line (its drawn path when the layout gives one) passes
    within a circle it does not join."""
    nodes = {n["id"]: n for n in drawn["nodes"]}
    hits = []
    for edge in drawn["edges"]:
        ends = (edge["source"], edge["target"])
        if not set(ends) <= set(nodes):
            continue
        points = edge.get("path") or [(nodes[e]["x"], nodes[e]["y"]) for e in ends]
        for nid, node in nodes.items():
            if nid in ends:
                continue
            d = min(_distance((node["x"], node["y"]), a, b) for a, b in zip(points, points[1:]))
            if d < node["radius"]:
                hits.append((edge["id"], nid, d))
    return hits


def _distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


# --- safe write paths (issue 30) -------------------------------------------------------------------


@invariant("outputs-no-wider-than-workbook")
def _permissions(step: Step) -> None:
    book = step.after.get(step.cycle.book.name)
    if book is None:
        return
    for path in step.outputs:
        mode = step.after[str(path.relative_to(step.cycle.folder))].mode
        owner_may = stat.S_IRUSR | stat.S_IWUSR  # its owner may always read and write an output again
        assert not mode & ~(book.mode | owner_may), f"{path.name} is {oct(mode)}, the workbook {oct(book.mode)}"


@invariant("never-written-through-a-link")
def _no_link_followed(step: Step) -> None:
    for decoy, digest in step.cycle.decoys.items():
        now = hashlib.sha256(decoy.read_bytes()).hexdigest() if decoy.exists() else None
        assert now == digest, f"written through a planted link into {decoy.name}"
