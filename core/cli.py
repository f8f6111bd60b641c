"""The ``tawasul`` command.

    tawasul serve [--host 127.0.0.1] [--port 8000]   migrate, seed when empty, run Daphne
    tawasul seed                                      the demo data (idempotent)
    tawasul manage <django command> ...               Django's management commands
    tawasul projector                                 the projector as its own process
    tawasul projections                               each projection's position and lag
    tawasul rebuild [NAME ...] [--check]              drop and replay read models
    tawasul audit verify|checkpoint|export|keygen|history|state|decisions   (see core/audit_cli.py)
    tawasul replay --until MOMENT --into PATH.sqlite  read models as they stood then, in a new file
    tawasul cluster up|down|status                    two Daphne and two projectors on one machine
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()


Handler = Callable[[argparse.Namespace], int]


def command(name: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        COMMANDS[name] = function
        return function

    return register


def _prepare_store() -> None:
    """Apply migrations and create the event store's tables."""
    from django.core.management import call_command

    from events.platform import application

    call_command("migrate", interactive=False, verbosity=0)
    application()


# Allocations (net) between two young collections; CPython's default is 700.
GC_YOUNG_THRESHOLD = 20_000


def _tune_garbage_collection() -> None:
    """A server holding thousands of sockets has a million objects that the cyclic
    garbage collector walks at each full collection: measured with 2,000 sockets on
    one Daphne, 120-190 ms during which no frame leaves (the p99 of the fan-out).
    Objects made at start-up (Django, the libraries) are frozen out of those
    walks, and young collections are rarer, so fewer short-lived objects grow old
    and full collections come seldom (one in a run of `python -m bench fanout`
    instead of about fifteen; same memory per socket). Garbage is still collected."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


@command("serve")
def serve(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    from core.demo import ACCOUNTS, DEMO_PASSWORD, seed, store_is_empty

    _prepare_store()
    if store_is_empty() and not args.no_seed:
        print("Seeding the demo data (first start)...", flush=True)
        seed()
    if settings.PROJECTOR == "embedded":
        from projections import service
        from realtime.publisher import publisher

        publish = publisher()
        # Only a leading projector sends heartbeats to the hubs (realtime/publisher.py).
        publish.leading = service.start_in_background(publish).is_leader.is_set
    url = f"http://{args.host}:{args.port}/"
    print(f"\nTawasul is running on {url}", flush=True)
    if settings.DEMO_MODE:
        names = ", ".join(a.username for a in ACCOUNTS)
        print(f"Sign in at {url}signin/ as one of: {names} (password: {DEMO_PASSWORD})", flush=True)
    print("Stop with Ctrl+C.\n", flush=True)
    from daphne.cli import CommandLineInterface

    daphne_args = ["-b", args.host, "-p", str(args.port), "--proxy-headers"]
    # Frames over 64 KiB get an error frame (realtime/protocol.py); Daphne drops a
    # frame over 256 KiB without reading it and ends the connection (clients see 1006).
    daphne_args += ["--websocket-max-message-size", "262144", "--websocket-max-frame-size", "262144"]
    daphne_args += ["--websocket_timeout", "86400", "core.asgi:application"]
    _tune_garbage_collection()
    CommandLineInterface().run(daphne_args)
    return 0


@command("seed")
def seed_command(args: argparse.Namespace) -> int:
    _setup()
    from core.demo import seed

    _prepare_store()
    seed()
    print("Demo data in place.")
    return 0


@command("projector")
def projector(args: argparse.Namespace) -> int:
    """Run the projector in the foreground until SIGTERM or Ctrl+C."""
    _setup()
    import logging

    from projections import service
    from realtime.publisher import publisher

    _prepare_store()
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    publish = publisher()
    runner = service.runner(publish)
    publish.leading = runner.is_leader.is_set
    logging.getLogger(__name__).info("Projector started (pid %s)", os.getpid())
    runner.run(stopping)
    publish.close()
    return 0


@command("projections")
def projections_command(args: argparse.Namespace) -> int:
    _setup()
    from projections.queries import projection_status

    _prepare_store()
    print(f"{'projection':<14} {'position':>10} {'lag':>8}")
    for status in projection_status():
        print(f"{status.name:<14} {status.position:>10} {status.lag:>8}")
    return 0


@command("rebuild")
def rebuild_command(args: argparse.Namespace) -> int:
    _setup()
    from projections.rebuild import check, rebuild

    _prepare_store()
    if args.check:
        difference = check(args.names or None, progress=_progress_bar("replaying into a scratch copy"))
        if difference:
            print(f"\nDIFFERENT: {difference}", file=sys.stderr)
            return 1
        print("\nThe rebuilt read models equal the live ones.")
        return 0
    rebuild(args.names or None, progress=_progress_bar("rebuilding"))
    print("\nRebuilt.")
    return 0


@command("audit")
def audit_command(args: argparse.Namespace) -> int:
    from core.audit_cli import audit

    return audit(args)


@command("replay")
def replay_command(args: argparse.Namespace) -> int:
    from core.audit_cli import replay

    return replay(args)


@command("cluster")
def cluster_command(args: argparse.Namespace) -> int:
    from core.cluster import cluster

    return cluster(args)


def _progress_bar(label: str) -> Callable[[int, int], None]:
    def show(position: int, head: int) -> None:
        width = 40
        done = int(width * position / head) if head else width
        bar = "#" * done + "." * (width - done)
        sys.stdout.write(f"\r{label} [{bar}] {position}/{head}")
        sys.stdout.flush()

    return show


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="tawasul", description=__doc__,
                                          formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main_parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the platform (Daphne)")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--no-seed", action="store_true", help="do not seed an empty store")
    commands.add_parser("seed", help="write the demo data through the commands")
    commands.add_parser("manage", help="Django's management commands", add_help=False)
    commands.add_parser("projector", help="run the projector as its own process")
    commands.add_parser("projections", help="list projections with position and lag")
    rebuild_parser = commands.add_parser("rebuild", help="drop and replay read models")
    rebuild_parser.add_argument("names", nargs="*", help="projections (default: all)")
    rebuild_parser.add_argument("--check", action="store_true",
                                help="replay into a scratch copy and compare with the live one")
    from core.audit_cli import add_parsers
    from core.cluster import add_parser as add_cluster_parser

    add_parsers(commands)
    add_cluster_parser(commands)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["manage"]:
        _setup()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tawasul manage", *arguments[1:]])
        return 0
    args = parser().parse_args(arguments)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
