"""peermap-xl: Contextual Safeguarding peer group mapping in Excel."""

__version__ = "0.1.0"
