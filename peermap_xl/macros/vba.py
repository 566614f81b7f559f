"""A VBA project (vbaProject.bin) written from source, following [MS-OVBA] and [MS-CFB].

The project holds source only (its _VBA_PROJECT version is 0xFFFF), so Office
compiles it on first open. `project_bin(modules, document_modules)` returns the
bytes that XlsxWriter's add_vba_project() takes. Standard library only.
"""

from __future__ import annotations

import struct
import uuid

# --- [MS-OVBA] 2.4.1: compression ------------------------------------------------

CHUNK = 4096


def compress(data: bytes) -> bytes:
    """A CompressedContainer: a signature byte, then one chunk per 4096 bytes of input."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _chunk(data[start:start + CHUNK])
    return bytes(out)


def _chunk(chunk: bytes) -> bytes:
    """A CompressedChunk: its header (size - 3, signature 0b011, compressed flag), then its data.

    Data that would not fit in 4096 bytes compressed goes as a RawChunk, which always holds
    4096 bytes: a short last chunk is padded with 0x00 (2.4.1.3.10). Without that, 3,641 to 4,095
    incompressible bytes at a stream's end would overflow the header's 12-bit size.
    """
    packed = _compress_chunk(chunk)
    if len(packed) <= CHUNK:
        return struct.pack("<H", 0x8000 | 0x3000 | (len(packed) + 2 - 3)) + packed
    return struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + chunk.ljust(CHUNK, b"\x00")


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(chunk):
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if i >= len(chunk):
                break
            offset, length, bit_count = _longest_match(chunk, i)
            if length >= 3:
                out += struct.pack("<H", ((offset - 1) << (16 - bit_count)) | (length - 3))
                out[flag_at] |= 1 << bit
                i += length
            else:
                out.append(chunk[i])
                i += 1
    return bytes(out)


def _longest_match(chunk: bytes, i: int) -> tuple[int, int, int]:
    """(offset, length, bit count) of the longest earlier copy of the bytes at i (2.4.1.3.19.4)."""
    if i == 0:
        return 0, 0, 4
    bit_count = max((i - 1).bit_length(), 4)
    maximum = min((0xFFFF >> bit_count) + 3, len(chunk) - i)
    best_offset, best_length = 0, 0
    length = 3
    while length <= maximum:
        found = chunk.rfind(chunk[i:i + length], 0, i + length - 1)
        if found < 0:
            break
        best_offset, best_length = i - found, length
        length += 1
    return best_offset, best_length, bit_count


# --- [MS-OVBA] 2.3.4: the dir stream ------------------------------------------------

REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files\\Microsoft "
               "Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library"),
)
CODE_PAGE = 1252
#: PROJECTVERSION (2.3.4.2.1.10): the timestamp-like major and the minor LibreOffice writes, as Office does.
PROJECT_VERSION = (1467127224, 5)
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _text(value: str) -> bytes:
    return value.encode("cp1252")


def _wide(value: str) -> bytes:
    return value.encode("utf-16-le")


def _dir_stream(modules: list[tuple[str, bool]]) -> bytes:
    """modules: (name, is a document module)."""
    d = bytearray()
    d += _record(0x0001, struct.pack("<I", 1))  # SysKind: 32-bit Windows
    d += _record(0x0002, struct.pack("<I", 0x0409))  # LCID
    d += _record(0x0014, struct.pack("<I", 0x0409))  # LCID invoke
    d += _record(0x0003, struct.pack("<H", CODE_PAGE))
    d += _record(0x0004, _text("VBAProject"))
    d += _record(0x0005, b"") + _record(0x0040, b"")  # doc string, and its Unicode form
    d += _record(0x0006, b"") + _record(0x003D, b"")  # help file
    d += _record(0x0007, struct.pack("<I", 0))  # help context
    d += _record(0x0008, struct.pack("<I", 0))  # lib flags
    d += struct.pack("<HIIH", 0x0009, 4, *PROJECT_VERSION)
    d += _record(0x000C, b"") + _record(0x003C, b"")  # constants
    for name, libid in REFERENCES:
        d += _record(0x0016, _text(name)) + _record(0x003E, _wide(name))
        registered = struct.pack("<I", len(libid)) + _text(libid) + struct.pack("<IH", 0, 0)
        d += _record(0x000D, registered)
    d += _record(0x000F, struct.pack("<H", len(modules)))
    d += _record(0x0013, struct.pack("<H", 0xFFFF))  # project cookie
    for name, is_document in modules:
        d += _record(0x0019, _text(name)) + _record(0x0047, _wide(name))
        d += _record(0x001A, _text(name)) + _record(0x0032, _wide(name))
        d += _record(0x001C, b"") + _record(0x0048, b"")
        d += _record(0x0031, struct.pack("<I", 0))  # the source starts at the top of the module stream
        d += _record(0x001E, struct.pack("<I", 0))
        d += _record(0x002C, struct.pack("<H", 0xFFFF))
        d += _record(0x0022 if is_document else 0x0021, b"")
        d += struct.pack("<HI", 0x002B, 0)  # module terminator
    d += struct.pack("<HI", 0x0010, 0)  # dir terminator
    return bytes(d)


# --- [MS-OVBA] 2.3.1 and 2.4.3: the PROJECT stream and its protection values --------


def _encrypt(project_id: str, data: bytes, seed: int) -> str:
    """Data Encryption (2.4.3.2), with a fixed seed so that builds are reproducible."""
    version = 2
    project_key = sum(_text(project_id)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted, enc1, enc2 = project_key, seed ^ project_key, seed ^ version
    ignored = (seed & 6) // 2
    for plain in [0] * ignored + list(struct.pack("<I", len(data))) + list(data):
        byte = ((enc2 + unencrypted) & 0xFF) ^ plain
        out.append(byte)
        enc2, enc1, unencrypted = enc1, byte, plain
    return out.hex().upper()


def _project_stream(project_id: str, modules: list[tuple[str, bool]]) -> bytes:
    lines = [f'ID="{project_id}"']
    for name, is_document in modules:
        lines.append(f"Document={name}/&H00000000" if is_document else f"Module={name}")
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{_encrypt(project_id, struct.pack("<I", 0), 0x11)}"',
              f'DPB="{_encrypt(project_id, bytes([0]), 0x13)}"',
              f'GC="{_encrypt(project_id, bytes([0xFF]), 0x15)}"',
              "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{name}=0, 0, 0, 0, C" for name, _ in modules]
    return _text("\r\n".join(lines) + "\r\n")


def _name_map(modules: list[tuple[str, bool]]) -> bytes:
    out = bytearray()
    for name, _ in modules:
        out += _text(name) + b"\x00" + _wide(name) + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def document_source(name: str, workbook: bool = False, code: str = "") -> str:
    """A document module (the workbook's or a sheet's): its attributes, then `code` (event handlers)."""
    return "\r\n".join([
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{WORKBOOK_BASE if workbook else SHEET_BASE}"',
        "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True", ""]) + code


def project_bin(modules: dict[str, str], document_modules: dict[str, str]) -> bytes:
    """vbaProject.bin holding standard `modules` and `document_modules` ({name: source})."""
    order = [(name, True) for name in document_modules] + [(name, False) for name in modules]
    sources = {**document_modules, **modules}
    project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "peermap-xl/" + "/".join(sources))).upper() + "}"
    vba = {"_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0),
           "dir": compress(_dir_stream(order))}
    for name, _ in order:
        source = sources[name].replace("\r\n", "\n").replace("\n", "\r\n")
        vba[name] = compress(_text(source))
    return compound_file({"VBA": vba, "PROJECT": _project_stream(project_id, order),
                          "PROJECTwm": _name_map(order)})


# --- [MS-CFB]: the compound file --------------------------------------------------

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        self.name, self.kind, self.data = name, kind, data  # kind: 1 storage, 2 stream, 5 root
        self.children: list[_Entry] = []
        self.left = self.right = self.child = NO_STREAM
        self.colour = 1  # black
        self.start, self.size, self.id = END, 0, 0


def _cfb_order(entry: _Entry) -> tuple[int, str]:
    return len(entry.name), entry.name.upper()


def compound_file(tree: dict) -> bytes:
    """A version 3 compound file of storages ({name: {...}}) and streams ({name: bytes})."""
    root = _Entry("Root Entry", 5)

    def build(parent: _Entry, items: dict) -> None:
        for name, value in items.items():
            if isinstance(value, dict):
                child = _Entry(name, 1)
                build(child, value)
            else:
                child = _Entry(name, 2, bytes(value))
            parent.children.append(child)

    build(root, tree)
    entries: list[_Entry] = []

    def number(entry: _Entry) -> None:
        entry.id = len(entries)
        entries.append(entry)
        for child in entry.children:
            number(child)

    number(root)
    for entry in entries:
        if entry.children:
            deepest = len(entry.children).bit_length()
            red_bottom = len(entry.children) < (1 << deepest) - 1
            entry.child = _balanced(sorted(entry.children, key=_cfb_order), 0, deepest, red_bottom)

    # streams below the cut-off live in the mini stream, the rest in ordinary sectors
    mini = bytearray()
    mini_fat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != 2:
            continue
        entry.size = len(entry.data)
        if entry.size == 0:
            entry.start = END
        elif entry.size < MINI_CUTOFF:
            first = len(mini) // MINI_SECTOR
            count = -(-entry.size // MINI_SECTOR)
            mini += entry.data + b"\x00" * (count * MINI_SECTOR - entry.size)
            mini_fat += [first + k + 1 for k in range(count - 1)] + [END]
            entry.start = first
        else:
            big.append(entry)

    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        if not data:
            return END
        first = len(sectors)
        count = -(-len(data) // SECTOR)
        padded = data + b"\x00" * (count * SECTOR - len(data))
        sectors.extend(padded[k * SECTOR:(k + 1) * SECTOR] for k in range(count))
        fat.extend([first + k + 1 for k in range(count - 1)] + [END])
        return first

    for entry in big:
        entry.start = allocate(entry.data)
    root.start = allocate(bytes(mini))
    root.size = len(mini)
    mini_fat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    mini_fat_start = allocate(mini_fat_bytes + b"\xff" * (-len(mini_fat_bytes) % SECTOR))
    directory = b"".join(_directory_entry(e) for e in entries)
    directory += _empty_entry() * (-len(entries) % 4)
    directory_start = allocate(directory)

    # the FAT describes every sector, its own included
    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    if fat_count > 109:
        raise ValueError("VBA project too large for a header-only DIFAT")
    fat_start = len(sectors)
    fat += [FAT_SECTOR] * fat_count
    fat += [FREE] * (fat_count * (SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    sectors.extend(fat_bytes[k * SECTOR:(k + 1) * SECTOR] for k in range(fat_count))

    difat = [fat_start + k for k in range(fat_count)] + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\x00" * 6,
        0, fat_count, directory_start, 0, MINI_CUTOFF,
        mini_fat_start if mini_fat else END, -(-len(mini_fat_bytes) // SECTOR), END, 0,
    ) + b"".join(struct.pack("<I", v) for v in difat)
    return header + b"".join(sectors)


def _balanced(items: list[_Entry], level: int, deepest: int, red_bottom: bool) -> int:
    """A balanced red-black tree: all black, but for the bottom level when it is not full."""
    if not items:
        return NO_STREAM
    middle = len(items) // 2
    node = items[middle]
    node.left = _balanced(items[:middle], level + 1, deepest, red_bottom)
    node.right = _balanced(items[middle + 1:], level + 1, deepest, red_bottom)
    node.colour = 0 if red_bottom and level == deepest - 1 else 1
    return node.id


def _directory_entry(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), entry.kind, entry.colour, entry.left, entry.right,
                       entry.child, b"\x00" * 16, 0, 0, 0, entry.start if entry.kind != 1 else 0,
                       entry.size)


def _empty_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM, b"\x00" * 16,
                       0, 0, 0, 0, 0)
