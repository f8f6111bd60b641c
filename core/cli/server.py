"""``tawasul serve``, ``tawasul seed`` and ``tawasul projector``: the processes of the platform."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import threading
from typing import Any

from core.cli.setup import prepare_store, setup

# Allocations (net) between two young collections; CPython's default is 700.
GC_YOUNG_THRESHOLD = 20_000


def add_parsers(commands: Any) -> None:
    serve_parser = commands.add_parser("serve", help="run the platform (Daphne)")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--no-seed", action="store_true", help="do not seed an empty store")
    serve_parser.set_defaults(run=serve)
    commands.add_parser("seed", help="write the demo data through the commands").set_defaults(run=seed)
    commands.add_parser("projector", help="run the projector as its own process").set_defaults(run=projector)


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


def serve(args: argparse.Namespace) -> int:
    setup()
    from django.conf import settings

    from core.demo import ACCOUNTS, DEMO_PASSWORD, store_is_empty
    from core.demo import seed as seed_demo

    prepare_store()
    if store_is_empty() and not args.no_seed:
        print("Seeding the demo data (first start)...", flush=True)
        seed_demo()
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


def seed(args: argparse.Namespace) -> int:
    setup()
    from core.demo import seed as seed_demo

    prepare_store()
    seed_demo()
    print("Demo data in place.")
    return 0


def projector(args: argparse.Namespace) -> int:
    """Run the projector in the foreground until SIGTERM or Ctrl+C."""
    setup()
    import logging

    from projections import service
    from realtime.publisher import publisher

    prepare_store()
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
