"""The errors a practitioner can act on. The CLI prints them in one line and exits 2."""


class PeermapError(Exception):
    """A problem with the input that the user can fix; the message says how."""


class WorkbookError(PeermapError):
    """The file is not a workbook peermap can read, or lacks a sheet or column it needs."""
