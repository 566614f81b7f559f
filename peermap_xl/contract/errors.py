"""The errors a practitioner can act on. The CLI prints them in one line and exits 2."""


class PeermapError(Exception):
    """A problem with the input that the user can fix; the message says how."""


class WorkbookError(PeermapError):
    """The file is not a workbook peermap can read, or lacks a sheet or column it needs."""


class Refused(PeermapError):
    """The input is fine, but the record is not ready for what was asked (an open question at a closure, an
    error that would merge two people): nothing was changed, and the message says what to do. The CLI exits 1."""
