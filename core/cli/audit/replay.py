"""``tawasul replay``: every read model as it stood at a moment, in a new SQLite file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.audit.terminal import BROKEN, CANNOT_CHECK, OK, Unusable, moment_argument, progress
from core.cli.setup import setup


def replay(args: argparse.Namespace) -> int:
    """Every read model as it stood at ``--until``, in a new SQLite file."""
    try:
        moment = moment_argument(args.until, "until")
        path: Path = args.into
        if path.exists():
            if not args.force:
                raise Unusable(f"{path} exists already (--force replaces it)")
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
    except Unusable as error:
        print(f"tawasul replay: {error}", file=sys.stderr)
        return CANNOT_CHECK
    setup()
    from events.audit.service import verify_store
    from events.platform import application
    from projections.replay import replay_until

    app = application()
    position = app.ledger.last_position_at(moment)
    if not args.skip_verify and position:
        report = verify_store(app, until=position, progress=progress("verifying"))
        if not report.ok:
            first = report.chain.first_break
            print(
                f"Not replayed: the chain is BROKEN at position {first.position if first else '?'}: "
                f"{first.detail if first else ''} (--skip-verify replays it all the same)",
                file=sys.stderr,
            )
            return BROKEN
    info = replay_until(app, moment, path, position=position, progress=progress("replaying"))
    print(
        f"Replayed positions 1..{info['position']} (the last recorded at or before "
        f"{moment.isoformat()}; chain digest {info['digest']}) into {path}."
    )
    print("The file's audit_replay table says what it holds.")
    return OK
