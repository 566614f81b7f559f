"""Parts of a workbook package that openpyxl's save drops, put back from the file as it was, or the save
refused.

`carry_over` puts back, byte for byte, every root part of the original package that the saved
one lost, with its relationship (the ribbon). `carry_through` puts back what openpyxl drops
inside the workbook: Excel 2010+ extension blocks (drop-down lists pointing at another sheet,
newer conditional formats, sparklines), form controls and OLE objects with their relationships,
VML drawings numbered 10 and above, content types it does not know, and the cached values of
formulas; anything it cannot put back makes the save fail with a WorkbookError naming what
would be lost.
"""

from __future__ import annotations

import contextlib
import copy
import io
import posixpath
import re
import sys
import warnings
import zipfile

from lxml import etree

from peermap_xl.contract.errors import WorkbookError

ROOT_RELS = "_rels/.rels"
#: Root relationship types openpyxl does not write back (the Office ribbon, 2007 and 2010 forms).
CARRIED_TYPES = (
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
)
#: The ribbon's parts by their usual names (Office's own convention), with their relationship types.
RIBBON_PARTS = {"customUI/customUI14.xml": CARRIED_TYPES[1], "customUI/customUI.xml": CARRIED_TYPES[0]}
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*/>")


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def carried_parts(original: bytes) -> list[tuple[str, str, bytes]]:
    """(relationship tag, part name, bytes) of the original's root parts that a save would drop."""
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        names = set(package.namelist())
        if ROOT_RELS not in names:
            return []
        rels = package.read(ROOT_RELS).decode("utf-8")
        out = []
        for tag in _RELATIONSHIP.findall(rels):
            target = (_attribute(tag, "Target") or "").lstrip("/")
            if _attribute(tag, "Type") in CARRIED_TYPES and target in names:
                out.append((tag, target, package.read(target)))
        # A ribbon part whose relationship an earlier save by another tool dropped: relate it again.
        for n, (part, rel_type) in enumerate(RIBBON_PARTS.items(), start=1):
            if part in names and part not in {target for _, target, _ in out}:
                tag = f'<Relationship Id="rIdRibbon{n}" Type="{rel_type}" Target="{part}"/>'
                out.append((tag, part, package.read(part)))
        return out


def carry_over(original: bytes, saved: bytes) -> bytes:
    """`saved` with the parts of `original` that `carried_parts` lists, and their root relationships."""
    parts = carried_parts(original)
    if not parts:
        return saved
    names = {name for _, name, _ in parts}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in names:
                continue
            data = src.read(info)
            if info.filename == ROOT_RELS:
                text = data.decode("utf-8")
                for n, (tag, name, _) in enumerate(parts, start=1):
                    if f'Target="{name}"' not in text and f'Target="/{name}"' not in text:
                        if f'Id="{_attribute(tag, "Id")}"' in text:  # the saved package uses that Id already
                            tag = re.sub(r'\bId="[^"]*"', f'Id="rIdCarried{n}"', tag)
                        text = text.replace("</Relationships>", tag + "</Relationships>")
                data = text.encode("utf-8")
            dst.writestr(info, data)
        for _, name, data in parts:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    return out.getvalue()


# --- inside the workbook: what openpyxl drops from worksheets -------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
OFFICE_DOCUMENT = R + "/officeDocument"

#: Extension blocks that refer to nothing outside the sheet's XML, so they can be carried as they are.
CARRIED_EXTENSIONS = {
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": "drop-down lists (data validation)",
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}": "conditional formatting",
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "sparklines",
}
#: Worksheet elements carried with the relationships they use, and what a person calls them.
CARRIED_ELEMENTS = {"controls": "form controls (check boxes, buttons, lists)", "oleObjects": "embedded objects"}
#: Elements that come after <controls> and <oleObjects> in a worksheet (ECMA-376 CT_Worksheet).
AFTER_CARRIED = ("webPublishItems", "tableParts", "extLst")
#: Parts that must survive a save whatever refers to them.
KEPT_PARTS = ("xl/vbaProject.bin", "xl/ctrlProps/", "xl/activeX/", "customUI/")


def local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


class Package:
    """A zip package as {part name: bytes}, keeping the order of its parts."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.parts = {info.filename: z.read(info) for info in z.infolist()}

    def bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        return out.getvalue()

    def xml(self, name: str):
        return etree.fromstring(self.parts[name]) if name in self.parts else None

    def rels(self, part: str) -> dict[str, etree._Element]:
        """{Id: Relationship element} of a part."""
        root = self.xml(rels_name(part))
        return {} if root is None else {rel.get("Id"): rel for rel in root}

    def sheets(self) -> dict[str, str]:
        """{sheet name: worksheet part name}."""
        book = workbook_part(self)
        rels = self.rels(book)
        found = {}
        for sheet in self.xml(book).iter(f"{{{MAIN}}}sheet"):
            rel = rels.get(sheet.get(f"{{{R}}}id"))
            if rel is not None:
                found[sheet.get("name")] = target_of(book, rel)
        return found


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def target_of(source: str, rel) -> str:
    """The part a relationship of `source` points at."""
    target = rel.get("Target")
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def workbook_part(package: Package) -> str:
    for rel in package.rels("").values():
        if rel.get("Type") == OFFICE_DOCUMENT:
            return target_of("", rel)
    return "xl/workbook.xml"


def _write_xml(package: Package, name: str, root) -> None:
    package.parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- one worksheet: extension blocks, controls and objects, cached formula values ------------------------


def _with_namespaces(root, old_root):
    """`root` declaring every prefix the original worksheet declared (Requires="x14" names a prefix)."""
    nsmap = {k: v for k, v in old_root.nsmap.items() if k is not None and k not in root.nsmap}
    ignorable = old_root.get(f"{{{MC}}}Ignorable")
    if not nsmap and not ignorable:
        return root
    fresh = etree.Element(root.tag, nsmap={**root.nsmap, **nsmap}, attrib=dict(root.attrib))
    if ignorable:
        fresh.set(f"{{{MC}}}Ignorable", ignorable)
    fresh.extend(list(root))
    return fresh


def _carried_kind(element) -> str | None:
    """"controls" or "oleObjects" for such an element, also when wrapped in mc:AlternateContent."""
    if local(element.tag) in CARRIED_ELEMENTS:
        return local(element.tag)
    if local(element.tag) == "AlternateContent":
        for inner in element.iter():
            if local(inner.tag) in CARRIED_ELEMENTS:
                return local(inner.tag)
    return None


def _copy_relationships(element, old: Package, old_part: str, new: Package, new_part: str) -> None:
    """Give every r:... reference in `element` a relationship of the new part to the same target."""
    old_rels = old.rels(old_part)
    name = rels_name(new_part)
    root = new.xml(name)
    if root is None:
        root = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
    taken = {rel.get("Id") for rel in root}
    given: dict[str, str] = {}
    for node in element.iter():
        for attribute, value in list(node.attrib.items()):
            if not attribute.startswith(f"{{{R}}}") or value not in old_rels:
                continue
            if value in given:
                node.set(attribute, given[value])
                continue
            rel = old_rels[value]
            new_id = next(f"rIdPeermap{k}" for k in range(1, 10_000) if f"rIdPeermap{k}" not in taken)
            taken.add(new_id)
            given[value] = new_id
            target = rel.get("Target") if rel.get("TargetMode") == "External" else "/" + target_of(old_part, rel)
            fresh = etree.SubElement(root, f"{{{PKG_REL}}}Relationship", Id=new_id, Type=rel.get("Type"),
                                     Target=target)
            if rel.get("TargetMode"):
                fresh.set("TargetMode", rel.get("TargetMode"))
            node.set(attribute, new_id)
    _write_xml(new, name, root)


def _carry_elements(old_root, new_root, old: Package, old_part: str, new: Package, new_part: str) -> bool:
    kept = {_carried_kind(child) for child in new_root} - {None}
    missing = [child for child in old_root if _carried_kind(child) and _carried_kind(child) not in kept]
    for child in missing:
        element = copy.deepcopy(child)
        _copy_relationships(element, old, old_part, new, new_part)
        after = [i for i, c in enumerate(new_root) if local(c.tag) in AFTER_CARRIED]
        new_root.insert(after[0] if after else len(new_root), element)
    return bool(missing)


def _extensions(root) -> dict[str, etree._Element]:
    return {(ext.get("uri") or "").upper(): ext for lst in root if local(lst.tag) == "extLst" for ext in lst}


def _carry_extensions(old_root, new_root) -> bool:
    have = _extensions(new_root)
    missing = [ext for uri, ext in _extensions(old_root).items() if uri in CARRIED_EXTENSIONS and uri not in have]
    if not missing:
        return False
    lists = [child for child in new_root if local(child.tag) == "extLst"]
    ext_list = lists[0] if lists else etree.SubElement(new_root, f"{{{MAIN}}}extLst")
    for ext in missing:
        ext_list.append(copy.deepcopy(ext))
    return True


def _formula_values(root) -> dict[str, tuple]:
    """{cell reference: (formula key, value element, type)} of the formula cells that have a value
    (an empty text is a value: Excel's "" result, typed t="str")."""
    found, masters = {}, {}
    for cell in root.iter(f"{{{MAIN}}}c"):
        formula, value = cell.find(f"{{{MAIN}}}f"), cell.find(f"{{{MAIN}}}v")
        if formula is None:
            continue
        key = _formula_key(cell.get("r"), formula, masters)
        if value is not None and (value.text or cell.get("t") == "str"):
            found[cell.get("r")] = (key, value, cell.get("t"))
    return found


_SHARING = ("t", "si", "ref")  # what makes a formula shared: openpyxl saves each cell's own formula instead


def _formula_key(ref: str, formula, masters: dict) -> tuple:
    """(text, attributes) of a cell's formula as openpyxl saves it: a shared formula (Excel's fill-down,
    stored once for a range) given as the cell's own, as openpyxl translates it on loading."""
    text, attributes = formula.text or "", dict(formula.attrib)
    if attributes.get("t") == "shared":
        si = attributes.get("si")
        if text:
            masters.setdefault(si, (text, ref))
        elif si in masters:
            from openpyxl.formula.translate import Translator

            master_text, origin = masters[si]
            text = Translator("=" + master_text, origin).translate_formula(ref)[1:]
        attributes = {k: v for k, v in attributes.items() if k not in _SHARING}
    return text, tuple(sorted(attributes.items()))


def _carry_cached_values(old_root, new_root) -> bool:
    """Put back the cached value of every formula cell openpyxl saved without one (the formula unchanged)."""
    cached = None
    changed = False
    for cell in new_root.iter(f"{{{MAIN}}}c"):
        formula, value = cell.find(f"{{{MAIN}}}f"), cell.find(f"{{{MAIN}}}v")
        if formula is None or (value is not None and value.text):
            continue
        cached = _formula_values(old_root) if cached is None else cached
        old = cached.get(cell.get("r"))
        if old and old[0] == _formula_key(cell.get("r"), formula, {}):
            if value is not None:
                cell.remove(value)
            cell.append(copy.deepcopy(old[1]))
            if old[2]:
                cell.set("t", old[2])
            changed = True
    return changed


def carry_sheet(old: Package, old_part: str, new: Package, new_part: str) -> None:
    """Put back into one saved worksheet what openpyxl dropped from the original."""
    data = old.parts[old_part]
    if not any(mark in data for mark in (b"extLst", b"controls", b"oleObjects", b"<f", b":f")):
        return
    old_root, new_root = etree.fromstring(data), new.xml(new_part)
    changed = _carry_elements(old_root, new_root, old, old_part, new, new_part)
    changed = _carry_extensions(old_root, new_root) or changed
    changed = _carry_cached_values(old_root, new_root) or changed
    if changed:
        _write_xml(new, new_part, _with_namespaces(new_root, old_root))


# --- the package: parts left dangling, content types, and what could not be kept ------------------------


def _referenced_parts(package: Package) -> set[str]:
    found = set()
    for name in [n for n in package.parts if n.endswith(".rels")]:
        folder = posixpath.dirname(posixpath.dirname(name))
        source = posixpath.join(folder, posixpath.basename(name)[:-len(".rels")])
        for rel in etree.fromstring(package.parts[name]):
            if rel.get("TargetMode") != "External":
                found.add(target_of(source if source else "", rel))
    return found


def _copy_missing_parts(old: Package, new: Package) -> None:
    """Parts the saved package refers to (or must keep) but lacks, copied from the original with their rels."""
    while True:
        wanted = _referenced_parts(new) | {n for n in old.parts if n.startswith(KEPT_PARTS)}
        missing = sorted(n for n in wanted if n not in new.parts and n in old.parts)
        if not missing:
            return
        for name in missing:
            new.parts[name] = old.parts[name]
            if rels_name(name) in old.parts and rels_name(name) not in new.parts:
                new.parts[rels_name(name)] = old.parts[rels_name(name)]


def _content_types(old: Package, new: Package) -> None:
    """Every part typed as in the original; the workbook keeps its own type (macro-enabled or not)."""
    types_old, types_new = old.xml("[Content_Types].xml"), new.xml("[Content_Types].xml")
    defaults = {d.get("Extension").lower() for d in types_new if local(d.tag) == "Default"}
    overrides = {o.get("PartName"): o for o in types_new if local(o.tag) == "Override"}
    book = "/" + workbook_part(old)
    for entry in types_old:
        part = entry.get("PartName")
        if local(entry.tag) == "Default" and entry.get("Extension").lower() not in defaults:
            if any(n.lower().endswith("." + entry.get("Extension").lower()) for n in new.parts):
                types_new.insert(0, copy.deepcopy(entry))
        elif local(entry.tag) == "Override" and part[1:] in new.parts:
            if part == book and part in overrides:
                overrides[part].set("ContentType", entry.get("ContentType"))
            elif part not in overrides:
                types_new.append(copy.deepcopy(entry))
    _write_xml(new, "[Content_Types].xml", types_new)


def _count(root, name: str) -> int:
    return sum(1 for node in root.iter() if local(node.tag) == name)


def _lost_on_sheet(old_root, new_root) -> list[str]:
    lost = [what for name, what in CARRIED_ELEMENTS.items()
            if _count(new_root, name[:-1]) < _count(old_root, name[:-1])]
    have = _extensions(new_root)
    lost += [CARRIED_EXTENSIONS.get(uri, "Excel 2010+ features") for uri in _extensions(old_root) if uri not in have]
    if _count(old_root, "legacyDrawing") > _count(new_root, "legacyDrawing"):
        lost.append("drawings made in Excel (VML)")
    return lost


DRAWING = R + "/drawing"
SHAPES = ("sp", "cxnSp", "grpSp", "graphicFrame")


def _shapes(package: Package, sheet_part: str) -> int:
    """Shapes, connectors, groups and charts in the drawing of a worksheet."""
    parts = [target_of(sheet_part, rel) for rel in package.rels(sheet_part).values() if rel.get("Type") == DRAWING]
    return sum(_count(package.xml(p), shape) for p in parts if p in package.parts for shape in SHAPES)


def what_would_be_lost(old: Package, new: Package) -> list[str]:
    """"what (on which sheet)" for everything of the original the saved package lacks."""
    lost = []
    new_sheets = new.sheets()
    for name, part in old.sheets().items():
        if name not in new_sheets:
            lost.append(f"the sheet name {name!r}")
            continue
        found = _lost_on_sheet(old.xml(part), new.xml(new_sheets[name]))
        if _shapes(new, new_sheets[name]) < _shapes(old, part):
            found.append("shapes or text boxes")
        for what in dict.fromkeys(found):
            lost.append(f"{what} on {name}")
    vml = {n for n in _referenced_parts(old) if n.lower().endswith(".vml") and n in old.parts}
    kept = {n for n in old.parts if n.startswith(KEPT_PARTS)} | vml
    lost += [f"the part {n}" for n in sorted(kept) if n not in new.parts]
    return lost


def carry_through(original: bytes, saved: bytes) -> bytes:
    """`saved` (openpyxl's output) with what it dropped from `original` put back; refuses what cannot be."""
    old, new = Package(original), Package(saved)
    new_sheets = new.sheets()
    for name, part in old.sheets().items():
        if name in new_sheets and part in old.parts and new_sheets[name] in new.parts:
            carry_sheet(old, part, new, new_sheets[name])
    _copy_missing_parts(old, new)
    _content_types(old, new)
    lost = what_would_be_lost(old, new)
    if lost:
        raise WorkbookError("peermap changed nothing: saving would lose what was added in Excel ("
                            + "; ".join(lost) + "). Tell whoever supports peermap; meanwhile record this in Excel.")
    return new.bytes()


# --- openpyxl's warnings, in words that quote nothing from the workbook ---------------------------------

#: (words in openpyxl's warning, what to say; None: nothing, as carry_through keeps it or refuses).
NOTES = (
    ("extension is not supported", None),
    ("DrawingML support is incomplete", None),
    ("marked as a date but the serial value", "a date cell holds a number too large to be a date: "
                                              "it is read as an error"),
    ("Print area cannot be set", "a print area could not be read: set it again in Excel if it is lost"),
    ("no default style", "the workbook has no default style: openpyxl's is used"),
    ("no stylesheet", "the workbook has no styles: openpyxl's are used"),
    ("header or footer", "a page header or footer could not be read: check it in Excel"),
    ("image format is not supported", "a picture in a format openpyxl cannot read is dropped"),
    ("Title is more than 31 characters", None),
)


def reworded(message: str) -> str | None:
    for words, said in NOTES:
        if words.lower() in message.lower():
            return said
    return "openpyxl worked around a problem in the workbook (details left out: they may quote its contents)"


@contextlib.contextmanager
def openpyxl_notes():
    """openpyxl's warnings caught and printed reworded, once each, without cell values."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for said in dict.fromkeys(reworded(str(w.message)) for w in caught):
        if said and said not in _said:
            _said.add(said)
            print(f"peermap: note: {said}.", file=sys.stderr)


_said: set[str] = set()  # each note once a run
