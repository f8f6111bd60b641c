"""``tawasul audit …`` and ``tawasul replay``: the auditors' and operators' commands.

    tawasul audit verify [--checkpoint FILE ...] [--public-key KEY ...] [--json]
    tawasul audit verify --bundle FILE [--against-store] [--checkpoint FILE ...] [--public-key KEY ...]
    tawasul audit checkpoint [--out FILE]
    tawasul audit export --into FILE [--checkpoint FILE ...] [--no-sign]
    tawasul audit keygen
    tawasul audit history KIND ID [--json]
    tawasul audit state KIND ID (--as-of MOMENT | --version N)
    tawasul audit decisions [--commission ID|CC] [--actor ID] [--kind K ...] [--since M] [--until M]
    tawasul replay --until MOMENT --into PATH.sqlite [--force] [--skip-verify]

Exit status: 0 when everything checked holds, 1 when the history is broken (the
first broken position is named), 2 when the check could not be made (a file
that cannot be read, no trusted key for a checkpoint, bad arguments).

The work is done by events/audit (verification, signing, history) and
projections/ (the timeline, the replay); these modules only read arguments and
print: chain.py (verify, checkpoint, export, keygen), resources.py (history,
state, decisions), replay.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.cli.audit import chain, resources
from core.cli.audit.replay import replay as run_replay
from core.cli.audit.terminal import CANNOT_CHECK, Unusable

ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "verify": chain.verify,
    "checkpoint": chain.checkpoint,
    "export": chain.export,
    "keygen": chain.keygen,
    "history": resources.history,
    "state": resources.state,
    "decisions": resources.decisions,
}


def add_parsers(commands: Any) -> None:
    """Add ``audit`` and ``replay`` to the ``tawasul`` parser's subcommands."""
    audit = commands.add_parser("audit", help="verify, sign and export the history; history of a resource")
    audit.set_defaults(run=run_audit)
    actions = audit.add_subparsers(dest="audit_command", required=True)

    verify = actions.add_parser("verify", help="recompute the hash chain and name the first broken position")
    verify.add_argument("--bundle", type=Path, help="verify an exported bundle offline (no database)")
    verify.add_argument(
        "--checkpoint",
        type=Path,
        action="append",
        default=[],
        help="a signed checkpoint to hold the history to",
    )
    verify.add_argument(
        "--public-key",
        action="append",
        default=[],
        help="a trusted public key (base64), besides the environment's",
    )
    verify.add_argument(
        "--against-store",
        action="store_true",
        help="with --bundle: also name the first position where the live store differs from it",
    )
    verify.add_argument("--no-time-check", action="store_true", help="do not check the time index")
    verify.add_argument("--json", action="store_true", help="the report as JSON")

    checkpoint = actions.add_parser("checkpoint", help="verify the chain, then sign its head and print it")
    checkpoint.add_argument("--out", type=Path, help="also write the checkpoint to this file")

    export = actions.add_parser("export", help="write the whole history as a bundle that verifies offline")
    export.add_argument("--into", type=Path, required=True, help="the bundle file (JSON Lines)")
    export.add_argument("--checkpoint", type=Path, action="append", default=[], help="checkpoints to include")
    export.add_argument("--public-key", action="append", default=[], help="a trusted public key (base64)")
    export.add_argument("--no-sign", action="store_true", help="do not add a new signed checkpoint")

    actions.add_parser("keygen", help="make an Ed25519 key pair for checkpoints")

    history = actions.add_parser("history", help="every event of a resource with the changes it made")
    history.add_argument("kind", help="organisation, commission, partner, update, proposal, workspace, ...")
    history.add_argument("id", help="the resource's id")
    history.add_argument("--json", action="store_true")

    state = actions.add_parser("state", help="a resource as it was at a moment or a version (JSON)")
    state.add_argument("kind")
    state.add_argument("id")
    when = state.add_mutually_exclusive_group(required=True)
    when.add_argument("--as-of", help="an ISO 8601 moment with its time zone, e.g. 2026-03-01T12:00:00Z")
    when.add_argument("--version", type=int)

    decisions = actions.add_parser("decisions", help="the decision timeline, newest first")
    decisions.add_argument("--commission", help="a commission's id or its country code (TN)")
    decisions.add_argument("--actor", help="the user id of whoever decided")
    decisions.add_argument("--kind", action="append", default=[], help="proposal.accepted, or proposal ...")
    decisions.add_argument("--since", help="an ISO 8601 moment")
    decisions.add_argument("--until", help="an ISO 8601 moment")
    decisions.add_argument("--limit", type=int, default=100)
    decisions.add_argument("--json", action="store_true")

    replay = commands.add_parser(
        "replay", help="build every read model as it stood at a moment, into a separate SQLite file"
    )
    replay.add_argument("--until", required=True, help="an ISO 8601 moment with its time zone")
    replay.add_argument("--into", type=Path, required=True, help="the SQLite file to create")
    replay.add_argument("--force", action="store_true", help="replace the file if it exists")
    replay.add_argument("--skip-verify", action="store_true", help="do not verify the chain first")
    replay.set_defaults(run=run_replay)


def run_audit(args: argparse.Namespace) -> int:
    try:
        return ACTIONS[args.audit_command](args)
    except Unusable as error:
        print(f"tawasul audit {args.audit_command}: {error}", file=sys.stderr)
        return CANNOT_CHECK
