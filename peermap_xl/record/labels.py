"""How people and places are named on outputs: full names, initials, or codes; and what free text may show.

The Network's "Names on outputs" chooses; anonymised outputs always use codes
(YP1, ADULT1, UNK1 for people; LOC1, ONLINE1 for places), numbered in ID
order so that a person keeps their code from one session to the next.

Initials are unique within a network: two "JM"s become "JMo" and "JMe" (the
next letter of the surname), or "JM1" and "JM2" when that does not tell them
apart. Pseudonyms ("Male A", "Unknown adult male") are kept as typed: turning them
into letters helps nobody and hides who is meant. A street name is a name (Known as,
or a nickname in quotes in a Name): never shown on Initials or Codes outputs, so
'Unknown adult male ("Rico")' is "Unknown adult male" there and '"Bugsy"' is "B".
Two records that would show alike are told apart by their IDs.

`View` is the one redacting view every output uses: it labels records, and
decides once what free text typed by the team may show (names in it replaced
by labels; nothing at all in the anonymised version).
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable
from functools import cached_property

from peermap_xl.contract import schema

FULL_NAMES, INITIALS, CODES = "Full names", "Initials", "Codes"
WITHHELD = "withheld"
HOME_BOROUGH, ELSEWHERE = "home borough", "outside the home borough"
_PERSON_CODES = {"Young person": "YP", "Adult": "ADULT"}
_PRIVATE_PLACES = {"Home", "Address"}  # an address is personal data: never shown as initials
#: First words that make a name a description rather than a name ("Male A", "Unknown adult male").
_PSEUDONYM_WORDS = {"male", "female", "unknown", "adult", "young", "person", "boy", "girl", "man", "woman",
                    "child", "yp", "peer", "friend", "sibling", "brother", "sister", "cousin"}
_QUOTES = "\"'\u201c\u201d\u2018\u2019"
#: Words that describe someone rather than name them, beyond the first words above ("Older female 2").
_DESCRIBING = _PSEUDONYM_WORDS | {"older", "younger", "elder", "unidentified", "unnamed", "not", "known", "nk",
                                  "teen", "teenager", "youth", "associate", "driver", "suspect", "individual"}
_CODED = re.compile(r"(yp|ya|unk|adult|male|female|person|subject)\d+")  # "YP3", "Adult2": codes, not names
_CHOICE = "\u241e"  # SYMBOL FOR RECORD SEPARATOR: starts and splits a `choose` key; never typed in a cell
#: Names that are also common words: replaced in free text only when capitalised.
_ID_LIKE = re.compile(r"[A-Za-z]{1,3}\?*\d+")  # "S07", "C2": an ID, not a name
_COMMON_WORDS = {"will", "may", "june", "april", "august", "mark", "rose", "grace", "hope", "faith", "joy",
                 "bill", "pat", "sue", "art", "jack", "dawn", "summer", "amber", "ruby", "jean", "bob",
                 "frank", "gene", "rich", "sunny", "chance", "miles", "rob", "don", "ken", "guy", "young",
                 "king", "law", "long", "brown", "green", "white", "black", "little",
                 # parts of street names ("J-Man", "Lil-Bone"): "a man at the counter" names nobody
                 "man", "men", "boy", "girl", "kid", "bone", "bones", "tiny", "blade", "smokey", "big", "lil",
                 "baby", "boss", "ghost", "ace", "star", "chief", "money"}


def choose(plain: str, anonymised: str) -> str:
    """A key for `View.label` that words itself as `plain`, or as `anonymised` in the anonymised version:
    for rules that run once and are worded later ("is in Enfield, outside Hackney" / "is outside the home
    borough")."""
    return f"{_CHOICE}{plain}{_CHOICE}{anonymised}"


def choice_text(value, list_key: str) -> str:
    """A drop-down value as the anonymised version may show it: kept when on peermap's own list."""
    if not isinstance(value, str) or not value:
        return ""
    return value if value in schema.LISTS.get(list_key, ()) else WITHHELD


def id_order(record_id: str) -> tuple:
    """S2 before S10: IDs sort by their number."""
    return tuple(int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", str(record_id)))


def initials(name: str) -> str:
    """ "Jordan Morris" -> "JM"."""
    return "".join(word[0].upper() for word in _words(name)) or "?"


def _words(name: str) -> list[str]:
    return re.findall(r"[^\W\d_][^\W_]*(?:['\u2019-][^\W_]+)*", name)


def is_pseudonym(name: str) -> bool:
    """ "Male A", "Unknown adult male", '"Tiny"' (a nickname in quotes), "YP3", "Older female 2": kept as typed on
    initials outputs, and never matched across networks by `peermap find` (register.py)."""
    text = name.strip()
    words = _words(text)
    return (not words or text[0] in _QUOTES or words[0].casefold() in _PSEUDONYM_WORDS
            or all(w.casefold() in _DESCRIBING or _CODED.fullmatch(w.casefold()) for w in words))


def codes(network) -> dict[str, str]:
    """{record ID: code} for every subject and context."""
    out: dict[str, str] = {}
    counters: dict[str, int] = {}

    def assign(frame, kind_of):
        for record_id, kind in sorted(zip(frame["id"], frame["type"]), key=lambda r: id_order(str(r[0]))):
            prefix = kind_of(kind)
            counters[prefix] = counters.get(prefix, 0) + 1
            out.setdefault(record_id, f"{prefix}{counters[prefix]}")

    assign(network.subjects, lambda kind: _PERSON_CODES.get(kind, "UNK"))
    assign(network.contexts, lambda kind: "ONLINE" if kind == "Online" else "LOC")
    return out


def lettered(name) -> str | None:
    """What a Name's initials are made from on Initials outputs: the name; for someone known only by a street
    name ('"Bugsy"'), that name (a street name is a name: "B"); None for a pseudonym, kept ("Male A",
    "Unknown adult male", shown without any street name in it)."""
    if not isinstance(name, str) or not name.strip():
        return None
    if not is_pseudonym(name):
        return name
    street = nicknames(name)
    return " ".join(street) if street and not without_nicknames(name) else None


def unique_initials(people: list[tuple[str, str]]) -> dict[str, str]:
    """{ID: initials} for (ID, name) pairs in ID order, unique: "JMo"/"JMe", else "JM1"/"JM2"."""
    base = {rid: initials(name) for rid, name in people}
    out = dict(base)
    for short in {v for v in base.values() if list(base.values()).count(v) > 1}:
        clash = [(rid, name) for rid, name in people if base[rid] == short]
        longer = {rid: _with_surname(name) for rid, name in clash}
        if len(set(longer.values())) == len(clash) and all(v != short for v in longer.values()):
            out.update(longer)
        else:
            out.update({rid: f"{short}{i}" for i, (rid, _) in enumerate(clash, start=1)})
    return out


def _told_apart(labels: dict[str, str], mode: str) -> dict[str, str]:
    """Two records with one label ("Unknown adult male" twice; a place and a person both "Tesco") are told
    apart by their IDs ("Unknown adult male (S07)"): an output never merges two people into one."""
    if mode == FULL_NAMES:
        return labels
    seen: dict[str, list[str]] = {}
    for rid, label in labels.items():
        seen.setdefault(_fold(label), []).append(rid)
    shared = {rid for ids in seen.values() if len(ids) > 1 for rid in ids}
    return {rid: f"{label} ({rid})" if rid in shared else label for rid, label in labels.items()}


def _with_surname(name: str) -> str:
    """ "Jordan Morris" -> "JMo": the initials with the surname's next letter."""
    words = _words(name)
    if len(words) < 2 or len(words[-1]) < 2:
        return initials(name)
    return initials(name) + words[-1][1].lower()


class View:
    """What one output may show of the network: labels for records, and the free text typed by the team.

    Decided once per output, from the Network's "Names on outputs" and whether the output is anonymised.
    """

    def __init__(self, network, anonymise: bool = False, names: str | None = None):
        """`names` overrides the Network's "Names on outputs" (the subject list names people in full)."""
        self.network = network
        self.anonymise = anonymise
        chosen = names or network.settings.get("names_on_outputs") or INITIALS
        self.mode = CODES if anonymise else chosen
        self.home = network.settings.get("home_borough")

    @cached_property
    def labels(self) -> dict[str, str]:
        """{record ID: label}; an ID two rows share gets both labels, so that nobody is hidden behind another."""
        coded = codes(self.network)
        people = [(rid, lettered(name)) for rid, name in self._records(self.network.subjects) if lettered(name)]
        letters = unique_initials(people)
        out: dict[str, list[str]] = {}
        for frame, is_place in ((self.network.subjects, False), (self.network.contexts, True)):
            for (rid, name), kind in zip(self._records(frame), frame["type"]):
                label = self._label(rid, name, kind, is_place, coded, letters)
                out.setdefault(rid, [])
                if label not in out[rid]:
                    out[rid].append(label)
        return _told_apart({rid: " or ".join(found) for rid, found in out.items()}, self.mode)

    @staticmethod
    def _records(frame) -> list[tuple[str, object]]:
        ordered = sorted(zip(frame["id"], frame["name"]), key=lambda r: id_order(str(r[0])))
        return [(rid, name) for rid, name in ordered if isinstance(rid, str)]

    def _label(self, rid, name, kind, is_place, coded, letters) -> str:
        if self.mode == CODES or not isinstance(name, str):
            return coded.get(rid, rid)
        if self.mode == FULL_NAMES:
            return name
        if is_place:
            return coded[rid] if kind in _PRIVATE_PLACES else name
        if rid in letters:
            return letters[rid]
        return without_nicknames(name) or coded.get(rid, rid)  # a pseudonym, without its street name

    def __getstate__(self) -> dict:
        """Sent to the processes drawing a large map's pages: without the compiled replacer (made again)."""
        return {k: v for k, v in self.__dict__.items() if k != "_replacer"}

    def label(self, record_id: str) -> str:
        """The label of a subject or context ID; for a `choose` key, the wording this view may show."""
        if record_id.startswith(_CHOICE):
            plain, anonymised = record_id[1:].split(_CHOICE, 1)
            return anonymised if self.anonymise else plain
        return self.labels.get(record_id, record_id)

    def key(self) -> list[tuple[str, str]]:
        """(label, full name) for the people whose initials had to be lengthened or numbered."""
        if self.mode != INITIALS:
            return []
        names = dict(self._records(self.network.subjects))
        return [(self.label(rid), str(names[rid])) for rid in names
                if lettered(names[rid]) and self.label(rid) != initials(lettered(names[rid]))]

    # --- free text --------------------------------------------------------

    def text(self, value, withheld: str = WITHHELD) -> str:
        """Free text typed by the team: "" when blank; `withheld` in the anonymised version; otherwise as
        typed, with the names of people (and private places) replaced by their labels."""
        if not isinstance(value, str) or not value.strip():
            return ""
        if self.anonymise:
            return withheld
        return self.names_replaced(value)

    def names_replaced(self, value: str) -> str:
        if self.mode == FULL_NAMES:
            return value
        return self._replacer(value)

    def out(self, value):
        """The names view of any text leaving the workbook (a sentence peermap wrote, a heading, a caption, a
        file name, a cell): every name form of a person the record knows replaced as this output asks.
        Applied to everything an output carries, so that no column or sentence can be missed."""
        if not isinstance(value, str) or not value or self.mode == FULL_NAMES:
            return value
        return self._replacer(value)

    def blocks(self, blocks: list) -> list:
        """Every text of a document's blocks (headings, paragraphs, bullets, table cells, captions) through
        `out`."""
        return [_through(block, self.out) for block in blocks]

    @cached_property
    def _replacer(self) -> Callable[[str], str]:
        """Every name form, replaced in one pass (longest first, so "Kai Thompson" before "Kai")."""
        return _replace_all(self.forms)

    @cached_property
    def forms(self) -> dict[str, str | None]:
        """{name form, folded: what this output shows for it} (None: kept as typed, a professional's name).

        A form naming one person becomes their label; a form several people share, or a first name or
        surname of someone who is not on the map (a peer the young person named), becomes a neutral word."""
        whole, parts, kinds = self._subject_forms()
        out: dict[str, str | None] = {}
        for index in (whole, parts):
            for form, ids in index.items():
                if form not in out:
                    out[form] = self.label(next(iter(ids))) if len(ids) == 1 else _neutral(ids, kinds)
        for form, word in self._other_forms().items():
            if form not in out:
                out[form] = _sharing_a_name(form, parts) if word == "" else word
            elif word == "" and out[form] is not None and form not in whole:
                out[form] = "someone"  # a professional's first name that is also a young person's
        return {form: (None if word == "" else word) for form, word in out.items()}

    def _subject_forms(self):
        from peermap_xl.record.model import known_as, split_known

        whole: dict[str, set[str]] = {}
        parts: dict[str, set[str]] = {}
        kinds: dict[str, str] = {}
        net = self.network
        for frame, is_place in ((net.subjects, False), (net.contexts, True)):
            known = frame["known_as"] if "known_as" in frame else [None] * len(frame)
            for rid, name, kind, also in zip(frame["id"], frame["name"], frame["type"], known):
                if not isinstance(rid, str) or not isinstance(name, str) or self.label(rid) == name:
                    continue
                if is_place and self.mode != CODES and kind not in _PRIVATE_PLACES:
                    continue
                kinds[rid] = "place" if is_place else str(kind)
                _put(whole, name.strip().strip(_QUOTES), rid)
                if is_place:
                    if kind in _PRIVATE_PLACES:  # "the Hamlet Court Road flat" is that address
                        for form in address_forms(frame.loc[frame["id"] == rid, "address_or_area"].iloc[0]):
                            _put(whole, form, rid)
                    continue
                for nick in [*nicknames(name), *split_known(also)]:
                    _put(whole, nick, rid)
                    for word in street_name_parts(nick):
                        _put(parts, word, rid)
                for word in ([] if is_pseudonym(name) else name_words(name)):
                    for part in (word, *street_name_parts(word)):  # Ellie-Mae: Ellie and Mae too
                        _put(parts, part, rid)
        from peermap_xl.record.history import picked_names

        for name, rid in [*known_as(net.history).items(), *((n, i) for i, n in picked_names(net))]:
            if rid in kinds and kinds[rid] != "place" and name != _fold(self.label(rid)):
                _put(whole, name.strip(_QUOTES), rid)
                for word in ([] if is_pseudonym(name) else name_words(name)):
                    for part in (word, *street_name_parts(word)):
                        _put(parts, part, rid)
        return whole, parts, kinds

    def _other_forms(self) -> dict[str, str]:
        """People in the record who are not subjects: contacts (professionals: "" keeps them as typed) and the
        peers a young person named who are on nobody's row ("a peer")."""
        net = self.network
        out: dict[str, str] = {}
        for name in net.contacts["name"] if "name" in net.contacts else []:
            if isinstance(name, str) and not is_pseudonym(name):
                out.setdefault(_fold(name), "")
                for word in name_words(name):
                    out.setdefault(_fold(word), "")
        links = net.links
        for end in ("from", "to"):  # a link end typed by a name the record no longer has: someone's name
            for typed, rid in zip(links[end], links[f"{end}_id"]):
                name = re.sub(r"\([^)]*\)", " ", typed).strip() if isinstance(typed, str) else ""
                if name and not isinstance(rid, str) and not is_pseudonym(name) and not _ID_LIKE.fullmatch(name):
                    out.setdefault(_fold(name), "someone")
                    for word in name_words(name):
                        if not _ID_LIKE.fullmatch(word):
                            out.setdefault(_fold(word), "someone")
        work = net.direct_work
        for peer, pid in zip(work["peer"], work["peer_id"] if "peer_id" in work else [None] * len(work)):
            if not isinstance(peer, str) or pid or net.resolve(peer):
                continue
            typed = re.sub(r"\([^)]*\)", " ", peer)
            if is_pseudonym(typed):
                continue
            for word in name_words(typed):
                out[_fold(word)] = "a peer"
        return out

    def choice(self, value, list_key: str, withheld: str = WITHHELD) -> str:
        """A drop-down value: kept when it is on peermap's own list; typed text is withheld when anonymised."""
        if not isinstance(value, str) or not value:
            return ""
        return withheld if self.anonymise and choice_text(value, list_key) == WITHHELD else value

    def borough(self, value) -> str:
        """A borough: as typed, or in the anonymised version only whether it is the home borough."""
        if not isinstance(value, str) or not value.strip():
            return ""
        if not self.anonymise:
            return value
        if value.casefold() == "online":
            return "online"
        home = self.home if isinstance(self.home, str) else ""
        return HOME_BOROUGH if value.casefold() == home.casefold() else ELSEWHERE


def _replace_all(forms: dict[str, str | None]) -> Callable[[str], str]:
    ordered = sorted(forms, key=len, reverse=True)
    if not ordered:
        return lambda text: text
    spaced = [r"\s+".join(re.escape(w) for w in form.split()) for form in ordered]
    found = re.compile(r"(?<![\w])(" + "|".join(spaced) + r")(?![\w])", re.IGNORECASE)

    def one(match) -> str:
        typed = match.group(1)
        shown = forms.get(_fold(typed))
        return typed if shown is None or _common_lower(typed) else shown

    return lambda text: found.sub(one, text)


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _put(index: dict[str, set[str]], form: str, rid: str) -> None:
    folded = _fold(form)
    if len(folded) > 1:
        index.setdefault(folded, set()).add(rid)


def _neutral(ids: set[str], kinds: dict[str, str]) -> str:
    """The word for a name several people share: "a young person", "an adult", "a place", else "someone"."""
    found = {kinds.get(i) for i in ids}
    return {frozenset({"Young person"}): "a young person", frozenset({"Adult"}): "an adult",
            frozenset({"place"}): "a place"}.get(frozenset(found), "someone")


def _through(block, out):
    """A block with every text in it through `out`."""
    import dataclasses

    if isinstance(block, str):
        return out(block)
    if isinstance(block, list):
        return [_through(item, out) for item in block]
    if isinstance(block, tuple):
        return tuple(_through(item, out) for item in block)
    if dataclasses.is_dataclass(block) and not isinstance(block, type):
        changes = {f.name: _through(getattr(block, f.name), out) for f in dataclasses.fields(block)
                   if isinstance(getattr(block, f.name), str | list | tuple)}
        return dataclasses.replace(block, **changes)
    return block


def name_words(name: str) -> list[str]:
    """The first names and surnames in a name, without words that describe rather than name ("Unknown")."""
    return [w for w in _words(_QUOTED.sub(" ", name)) if len(w) > 1 and w.casefold() not in _DESCRIBING]


#: A nickname in quotes: double or curly quotes anywhere; single quotes only standing apart from a word, so
#: that the apostrophe of O'Brien or Male A's is no quote ('Unknown adult male ('Snoopz')' -> Snoopz).
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]+)[\"\u201d]|(?<![\w])['\u2018]([^'\u2019]+)['\u2019](?![\w])")


def _sharing_a_name(form: str, parts: dict) -> str:
    """A professional's name as a restricted output shows it: as typed (""), but for a word a subject's name
    has too ("Dean Walsh", a social worker, beside Kofi Walsh on the map), cut to its initial ("Dean W.")."""
    words = form.split()
    if len(words) < 2 or not any(w in parts for w in words):
        return ""
    return " ".join(f"{w[0].upper()}." if w in parts else w.title() for w in words)


def address_forms(address) -> list[str]:
    """How a private address is mentioned: "Flat 2, 14 Hamlet Court Road, Southend" -> the whole and "14 Hamlet
    Court Road" (its numbered part). A street without its number names no one's home ("seen on City Road")."""
    if not isinstance(address, str) or not address.strip():
        return []
    parts = [p.strip() for p in address.split(",") if p.strip()]
    numbered = [p for p in parts if re.match(r"\d+[a-z]?\s+\w", p, re.IGNORECASE)]
    return list(dict.fromkeys([address.strip(), *numbered]))


def street_name_parts(nick: str) -> list[str]:
    """The parts of a hyphenated name, each a name form: "J-Bone" -> ["Bone"], "Ellie-Mae" -> ["Ellie", "Mae"]
    (one letter names nobody)."""
    return [w for w in re.split(r"[-\u2010\u2011\s]+", nick) if len(w) > 1 and w != nick and w.isalpha()]


def nicknames(name: str) -> list[str]:
    """The nicknames in quotes inside a Name: 'Unknown adult male ("Rico")' -> ["Rico"]."""
    return [n.strip() for pair in _QUOTED.findall(name) for n in pair if n.strip()]


def without_nicknames(name: str) -> str:
    """A Name with its nicknames in quotes (and the brackets round them) taken out: 'Unknown adult male
    ('Snoopz')' -> 'Unknown adult male'. A street name is a name: Initials outputs never show it."""
    bare = re.sub(r"\(\s*\)|\[\s*\]", " ", _QUOTED.sub(" ", name))
    return " ".join(bare.split()).strip(" -,;:/")


def _common_lower(word: str) -> bool:
    """ "will" in "he will attend" is not Will: common words count as names only when capitalised."""
    return word.casefold() in _COMMON_WORDS and not word[0].isupper()


_OUT: contextvars.ContextVar = contextvars.ContextVar("names_out", default=None)


@contextlib.contextmanager
def names_out(view: View):
    """Within: every picture saved (draw/frame.py) has each of its texts through `view.out` (titles, labels,
    notes, captions, legends), so that a picture carries no name its names view would not show. An outer
    view (the whole network's, around a large map's pages) is kept."""
    if _OUT.get() is not None:
        yield
        return
    token = _OUT.set(view.out)
    try:
        yield
    finally:
        _OUT.reset(token)


def through_names_out(texts) -> None:
    """Each matplotlib Text in `texts` through the names view in force (see `names_out`), if any."""
    out = _OUT.get()
    if out is None:
        return
    for text in texts:
        said = text.get_text()
        if said:
            text.set_text(out(said))


def view_of(network, anonymise: bool = False) -> View:
    """The network's names view for an output, made once per network (its labels and name forms are
    worked out once, however many sentences ask)."""
    from peermap_xl.record import model

    mode = network.settings.get("names_on_outputs")
    return model.once(network, f"names view {anonymise} {mode}", network.subjects, lambda: View(network, anonymise))


def labeller(network, anonymise: bool = False) -> Callable[[str], str]:
    """A function giving the label of a subject or context ID, as the network's setting asks."""
    return View(network, anonymise).label
