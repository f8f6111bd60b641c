"""The ``tawasul`` command.

    tawasul serve [--host 127.0.0.1] [--port 8000]   migrate, seed when empty, run Daphne
    tawasul seed                                      the demo data (idempotent)
    tawasul manage <django command> ...               Django's management commands
    tawasul projector                                 the projector as its own process
    tawasul projections                               each projection's position and lag
    tawasul rebuild [NAME ...] [--check]              drop and replay read models
    tawasul audit verify|checkpoint|export|keygen|history|state|decisions   (see core/cli/audit/)
    tawasul replay --until MOMENT --into PATH.sqlite  read models as they stood then, in a new file
    tawasul cluster up|down|status                    two Daphne and two projectors on one machine
"""

# Each module of this package adds its subcommands (``add_parsers``) with the
# function that runs them (``run``); setup.py is the one place that sets Django up.

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core.cli import audit, cluster, read_models, server
from core.cli.setup import setup


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="tawasul", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = main_parser.add_subparsers(dest="command", required=True)
    server.add_parsers(commands)
    commands.add_parser("manage", help="Django's management commands", add_help=False)
    read_models.add_parsers(commands)
    audit.add_parsers(commands)
    cluster.add_parsers(commands)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["manage"]:
        setup()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tawasul manage", *arguments[1:]])
        return 0
    args = parser().parse_args(arguments)
    return int(args.run(args))
