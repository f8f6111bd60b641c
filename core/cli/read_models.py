"""``tawasul projections`` and ``tawasul rebuild``: the read models' positions, rebuilt and checked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from core.cli.setup import prepare_store, setup


def add_parsers(commands: Any) -> None:
    commands.add_parser("projections", help="list projections with position and lag").set_defaults(
        run=projections
    )
    rebuild_parser = commands.add_parser("rebuild", help="drop and replay read models")
    rebuild_parser.add_argument("names", nargs="*", help="projections (default: all)")
    rebuild_parser.add_argument(
        "--check", action="store_true", help="replay into a scratch copy and compare with the live one"
    )
    rebuild_parser.set_defaults(run=rebuild)


def projections(args: argparse.Namespace) -> int:
    setup()
    from projections.queries import projection_status

    prepare_store()
    print(f"{'projection':<14} {'position':>10} {'lag':>8}")
    for status in projection_status():
        print(f"{status.name:<14} {status.position:>10} {status.lag:>8}")
    return 0


def rebuild(args: argparse.Namespace) -> int:
    setup()
    from projections.rebuild import check
    from projections.rebuild import rebuild as rebuild_read_models

    prepare_store()
    if args.check:
        difference = check(args.names or None, progress=_progress_bar("replaying into a scratch copy"))
        if difference:
            print(f"\nDIFFERENT: {difference}", file=sys.stderr)
            return 1
        print("\nThe rebuilt read models equal the live ones.")
        return 0
    rebuild_read_models(args.names or None, progress=_progress_bar("rebuilding"))
    print("\nRebuilt.")
    return 0


def _progress_bar(label: str) -> Callable[[int, int], None]:
    def show(position: int, head: int) -> None:
        width = 40
        done = int(width * position / head) if head else width
        bar = "#" * done + "." * (width - done)
        sys.stdout.write(f"\r{label} [{bar}] {position}/{head}")
        sys.stdout.flush()

    return show
