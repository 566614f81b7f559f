"""The `peermap` command: the same operations as the workbook's buttons, on a file.

Exit codes: 0 done; 1 the data has errors; 2 unusable input (a one-line
reason, never a traceback); 3 peermap itself failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from peermap_xl import __version__
from peermap_xl.errors import PeermapError


def cmd_new(args) -> int:
    """Start a new workbook from the template."""
    from peermap_xl.book import safe
    from peermap_xl.template import template_bytes

    path = Path(args.book)
    if path.suffix.lower() != ".xlsm":
        raise PeermapError(f"{path.name}: give the new workbook a name ending in .xlsm "
                           "(it is macro-enabled, for the buttons).")
    safe.create_new(path, template_bytes())
    print(f"Created {path}. Open it in Excel and start on the Network sheet.")
    return 0


def cmd_demo(args) -> int:
    """Write the worked example (Male A and the City Road network) and show what it holds."""
    from peermap_xl import model
    from peermap_xl.book.file import read_network
    from peermap_xl.examples import city_road, write_example

    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    path = write_example(folder / city_road.FILE_NAME)
    network = read_network(path)
    print(f"Wrote the worked example: {path}")
    print("\n".join(model.summary(network)))
    print(f"\nOpen it in Excel to explore it. To start your own: peermap new \"My network.xlsm\"")
    return 0


def cmd_summary(args) -> int:
    """Read a workbook and say what it holds (counts only, no names)."""
    from peermap_xl import model
    from peermap_xl.book.file import read_network

    print("\n".join(model.summary(read_network(args.book))))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peermap",
        description="Contextual Safeguarding peer group mapping on an Excel workbook.",
    )
    parser.add_argument("--version", action="version", version=f"peermap-xl {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    new = commands.add_parser("new", help=cmd_new.__doc__, description=cmd_new.__doc__)
    new.add_argument("book", metavar="BOOK", help="the new workbook, e.g. 'City Road.xlsm'")
    new.set_defaults(run=cmd_new)

    demo = commands.add_parser("demo", help=cmd_demo.__doc__, description=cmd_demo.__doc__)
    demo.add_argument("--out", metavar="DIR", default="peermap-demo",
                      help="the folder to write into (default: ./peermap-demo)")
    demo.set_defaults(run=cmd_demo)

    summary = commands.add_parser("summary", help=cmd_summary.__doc__, description=cmd_summary.__doc__)
    summary.add_argument("book", metavar="BOOK", help="the workbook (.xlsm or .xlsx)")
    summary.set_defaults(run=cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PeermapError as exc:
        print(f"peermap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("peermap: stopped. Nothing was saved.", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("PEERMAP_DEBUG"):
            raise
        # The exception's text may quote the workbook's data: name only its type.
        print(f"peermap: peermap itself failed ({type(exc).__name__}); nothing was saved. "
              "Run again with PEERMAP_DEBUG=1 set to see the details for support.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
