"""Parts of an .xlsm package that openpyxl's save drops, carried over from the file as it was.

openpyxl keeps the VBA project but not the ribbon (customUI parts, referenced from the
package's root relationships). `carry_over` puts back, byte for byte, every root part of
the original package that the saved one lost, with its relationship.
"""

from __future__ import annotations

import io
import re
import zipfile

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
