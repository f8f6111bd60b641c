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
projections/ (the timeline, the replay); this module only reads arguments and
prints. ``verify --bundle`` and ``keygen`` need no database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OK, BROKEN, CANNOT_CHECK = 0, 1, 2


class Unusable(Exception):
    """An argument or file the command cannot work with (exit status 2)."""


def add_parsers(commands: Any) -> None:
    """Add ``audit`` and ``replay`` to the ``tawasul`` parser's subcommands."""
    audit = commands.add_parser("audit", help="verify, sign and export the history; history of a resource")
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


# --- helpers -------------------------------------------------------------------------------------


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _progress(label: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(position: int, head: int) -> None:
        sys.stderr.write(f"\r{label} {position}/{head}")
        if position >= head:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _moment(text: str, name: str) -> datetime:
    from events.audit.service import parse_moment
    from events.errors import ValidationFailed

    try:
        return parse_moment(text, name)
    except ValidationFailed as error:
        raise Unusable(f"--{name.replace('_', '-')}: {error.detail}") from None


def _keys(args: argparse.Namespace) -> dict[str, Any]:
    from events.audit.signing import InvalidKey, trusted_keys

    try:
        return trusted_keys(os.environ, args.public_key)
    except InvalidKey as error:
        raise Unusable(str(error)) from None


def _checkpoints(paths: list[Path]) -> list[tuple[str, Any]]:
    from events.audit.signing import CheckpointError, parse_checkpoint

    found = []
    for path in paths:
        try:
            found.append((str(path), parse_checkpoint(json.loads(path.read_text(encoding="utf-8")))))
        except (OSError, ValueError) as error:
            if isinstance(error, CheckpointError | json.JSONDecodeError | OSError):
                raise Unusable(f"{path}: {error}") from None
            raise
    return found


def _require_keys_for(checkpoints: list[tuple[str, Any]], keys: dict[str, Any]) -> None:
    if checkpoints and not keys:
        raise Unusable(
            "no trusted public key to check the checkpoints' signatures: give --public-key "
            "(the public key printed by `tawasul audit keygen`) or set TAWASUL_AUDIT_PUBLIC_KEYS"
        )


def _signing_key() -> Any:
    from events.audit.signing import SIGNING_KEY_VARIABLE, InvalidKey, load_signing_key

    text = os.environ.get(SIGNING_KEY_VARIABLE, "").strip()
    if not text:
        return None
    try:
        return load_signing_key(text)
    except InvalidKey as error:
        raise Unusable(str(error)) from None


def _organisation() -> str:
    from django.conf import settings

    return str(settings.HOST_ORGANISATION)


def _people(user_ids: Any) -> dict[str, str]:
    """user id -> username, for the ids that are accounts (others show as they are)."""
    from uuid import UUID

    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    ids = set()
    for user_id in user_ids:
        try:
            ids.add(UUID(str(user_id)))
        except ValueError:
            continue
    try:
        rows = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
        return {str(pk): str(username) for pk, username in rows}
    except DatabaseError:
        return {}


def _setup() -> None:
    from core.cli import _setup as setup

    setup()


# --- the commands --------------------------------------------------------------------------------


def audit(args: argparse.Namespace) -> int:
    actions: dict[str, Callable[[argparse.Namespace], int]] = {
        "verify": verify,
        "checkpoint": checkpoint,
        "export": export,
        "keygen": keygen,
        "history": history,
        "state": state,
        "decisions": decisions,
    }
    try:
        return actions[args.audit_command](args)
    except Unusable as error:
        print(f"tawasul audit {args.audit_command}: {error}", file=sys.stderr)
        return CANNOT_CHECK


def _show_chain(result: Any, checks: list[Any], *, what: str) -> None:
    head = result.head
    if head is not None:
        print(
            f"{what}: {result.events:,} events, positions {result.first_position}..{head.position}; "
            f"head digest {head.digest.hex()}"
        )
    else:
        print(f"{what}: no events.")
    for check in checks:
        cp = check.checkpoint
        if check.holds:
            print(
                f"Checkpoint {check.source} (position {cp.position}, signed {cp.signed_at}, "
                f"key {cp.key_id}): signature valid, the history up to it is unchanged."
            )
        else:
            print(f"CHECKPOINT FAILS {check.source} (position {cp.position}): {check.problem}")
    if result.breaks:
        first = result.first_break
        print(f"BROKEN at position {first.position}: {first.detail}")
        for other in result.breaks[1:20]:
            if other is not first:
                print(f"  also {other.describe()}")
        if len(result.breaks) > 20 or result.truncated:
            print(f"  ... {len(result.breaks) - 20} more")


def verify(args: argparse.Namespace) -> int:
    keys = _keys(args)
    checkpoints = _checkpoints(args.checkpoint)
    if args.bundle is not None:
        from events.audit.bundle import verify_bundle

        has_own = any(line.startswith('{"type":"checkpoint"') for line in _head_lines(args.bundle))
        if has_own or checkpoints:
            _require_keys_for([("", None)], keys)
        report = verify_bundle(args.bundle, keys, checkpoints=checkpoints)
        if args.json:
            _print_json(report.as_json())
        else:
            for problem in report.problems:
                print(f"BUNDLE UNREADABLE: {problem}")
            if report.chain is not None:
                _show_chain(report.chain, report.checkpoints, what=f"Bundle {args.bundle}")
                if report.ok and not report.checkpoints:
                    print(
                        "The bundle is consistent, but carries no checkpoint: compare its head digest "
                        "with a checkpoint kept elsewhere (--checkpoint) to prove it is the real history."
                    )
            print("OK: the bundle's history is intact." if report.ok else "FAILED.")
        if not report.ok or not args.against_store:
            return OK if report.ok else BROKEN
        return _against_store(args.bundle, json_output=args.json)
    _require_keys_for(checkpoints, keys)
    _setup()
    from events.audit.service import verify_store
    from events.platform import application

    store_report = verify_store(
        application(),
        checkpoints=checkpoints,
        keys=keys,
        check_times=not args.no_time_check,
        progress=_progress("verifying"),
    )
    if args.json:
        _print_json(store_report.as_json())
    else:
        _show_chain(store_report.chain, store_report.checkpoints, what="Event store")
        rate = store_report.chain.events / store_report.seconds if store_report.seconds else 0
        print(f"Checked in {store_report.seconds:.2f} s ({rate:,.0f} events/s).")
        print("OK: the history is intact." if store_report.ok else "FAILED.")
    return OK if store_report.ok else BROKEN


def _against_store(bundle: Path, *, json_output: bool) -> int:
    """Where the live store first differs from a (verified, older) bundle."""
    _setup()
    from events.audit.bundle import read_entries
    from events.audit.service import compare_with_store
    from events.platform import application

    with bundle.open(encoding="utf-8") as stream:
        divergence = compare_with_store(application(), read_entries(stream))
    if json_output:
        _print_json({"against_store": divergence.as_json() if divergence else None})
    elif divergence is None:
        print("The live store holds the same events and links at every position of the bundle.")
    else:
        print(
            f"THE LIVE STORE DIFFERS from the bundle at position {divergence.position}: {divergence.detail}."
        )
    return OK if divergence is None else BROKEN


def _head_lines(path: Path) -> list[str]:
    """The bundle's checkpoint lines sit at its end: scan it without parsing events."""
    try:
        with path.open(encoding="utf-8") as stream:
            return [line for line in stream if not line.startswith('{"type":"event"')]
    except OSError as error:
        raise Unusable(f"{path}: {error}") from None


def checkpoint(args: argparse.Namespace) -> int:
    key = _signing_key()
    if key is None:
        raise Unusable(
            "TAWASUL_AUDIT_SIGNING_KEY is not set: make a key pair with `tawasul audit keygen` "
            "and set it on the host that signs checkpoints"
        )
    _setup()
    from events.audit.service import ChainBroken, make_checkpoint
    from events.errors import ValidationFailed
    from events.platform import application

    try:
        signed, _ = make_checkpoint(
            application(),
            key,
            organisation=_organisation(),
            now=datetime.now(UTC),
            progress=_progress("verifying"),
        )
    except ChainBroken as error:
        print(f"Not signed: the chain is BROKEN at {error}", file=sys.stderr)
        return BROKEN
    except ValidationFailed as error:
        raise Unusable(error.detail) from None
    text = json.dumps(signed.as_json(), indent=2)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return OK


def export(args: argparse.Namespace) -> int:
    keys = _keys(args)
    checkpoints = _checkpoints(args.checkpoint)
    _require_keys_for(checkpoints, keys)
    key = None if args.no_sign else _signing_key()
    _setup()
    from events.audit.service import export_bundle
    from events.platform import application

    try:
        with args.into.open("w", encoding="utf-8") as out:
            report = export_bundle(
                application(),
                out,
                organisation=_organisation(),
                now=datetime.now(UTC),
                checkpoints=checkpoints,
                keys=keys,
                key=key,
                progress=_progress("exporting"),
            )
    except OSError as error:
        raise Unusable(f"{args.into}: {error}") from None
    _show_chain(report.chain, report.checkpoints, what=f"Exported to {args.into}")
    if report.signed is not None:
        print(f"Signed a checkpoint of the head (key {report.signed.key_id}) into the bundle.")
    elif key is None and not args.no_sign:
        print("No checkpoint signed (TAWASUL_AUDIT_SIGNING_KEY is not set).")
    print("OK." if report.ok else "FAILED: the exported history is broken (see above).")
    return OK if report.ok else BROKEN


def keygen(args: argparse.Namespace) -> int:
    from events.audit.signing import PUBLIC_KEYS_VARIABLE, SIGNING_KEY_VARIABLE, generate_key_pair

    pair = generate_key_pair()
    print(f"# Key {pair.key_id}. Keep the signing key secret, on the host that signs checkpoints only:")
    print(f"{SIGNING_KEY_VARIABLE}={pair.private}")
    print("# Give the public key to auditors; keep old public keys listed after a rotation:")
    print(f"{PUBLIC_KEYS_VARIABLE}={pair.public}")
    return OK


def _uuid(text: str, name: str) -> Any:
    from uuid import UUID

    try:
        return UUID(text)
    except ValueError:
        raise Unusable(f"{name} must be a UUID, not {text!r}") from None


def _short(value: Any, width: int = 90) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def _change_line(change: dict[str, Any]) -> str:
    kind = change["change"]
    if kind in {"appended", "changed"}:
        parts = [f"+ {_short(v, 60)}" for v in change["added"]] + [
            f"- {_short(v, 60)}" for v in change["removed"]
        ]
        return f"{change['field']}: {'; '.join(parts)}"
    return f"{change['field']}: {_short(change['before'], 40)} → {_short(change['after'], 60)}"


def history(args: argparse.Namespace) -> int:
    _setup()
    from events.audit.service import aggregate_history
    from events.errors import DomainError
    from events.platform import application

    try:
        found = aggregate_history(application(), args.kind, _uuid(args.id, "id"))
    except DomainError as error:
        raise Unusable(error.detail) from None
    if args.json:
        _print_json(found.as_json())
        return OK
    chain = (
        "every event's bytes hash onto the chain"
        if found.linked
        else "SOME EVENTS DO NOT HASH ONTO THE CHAIN"
    )
    print(f"{found.kind} {found.id}: version {found.version}, {len(found.entries)} events; {chain}")
    people = _people(entry.actor for entry in found.entries)
    print(f"{'position':>8} {'ver':>4}  {'time (UTC)':<26} {'kind':<38} {'actor':<36} command")
    for entry in found.entries:
        moment = entry.timestamp.astimezone(UTC).isoformat(sep=" ", timespec="milliseconds")[:23]
        flag = "" if entry.linked else "  ← NOT LINKED TO THE CHAIN"
        print(
            f"{entry.position:>8} {entry.version:>4}  {moment:<26} {entry.kind:<38} "
            f"{people.get(entry.actor, entry.actor):<36} {entry.command_id}{flag}"
        )
        for name in ("rationale", "reason"):
            if entry.data.get(name):
                print(f"{'':>15}{name}: {_short(entry.data[name], 100)}")
        for change in entry.changes:
            print(f"{'':>15}{_change_line(change.as_json())}")
    return OK if found.linked else BROKEN


def state(args: argparse.Namespace) -> int:
    _setup()
    from events.audit.service import aggregate_state
    from events.errors import DomainError
    from events.platform import application

    moment = _moment(args.as_of, "as_of") if args.as_of else None
    try:
        view = aggregate_state(
            application(), args.kind, _uuid(args.id, "id"), version=args.version, as_of=moment
        )
    except DomainError as error:
        raise Unusable(error.detail) from None
    _print_json(view.as_json())
    return OK


def decisions(args: argparse.Namespace) -> int:
    _setup()
    from events.ids import commission_id
    from projections.timeline import DecisionFilter, render, unknown_kinds
    from projections.timeline import decisions as select

    commission = None
    if args.commission:
        text = args.commission
        commission = commission_id(text) if len(text) == 2 else _uuid(text, "--commission")
    unknown = unknown_kinds(args.kind)
    if unknown:
        raise Unusable(f"unknown decision kinds: {', '.join(unknown)}")
    selection = DecisionFilter(
        commission_id=commission,
        actor=args.actor,
        kinds=tuple(args.kind),
        since=_moment(args.since, "since") if args.since else None,
        until=_moment(args.until, "until") if args.until else None,
    )
    rows = [render(entry) for entry in select(selection)[: max(args.limit, 0)]]
    if args.json:
        _print_json(rows)
        return OK
    people = _people([row["actor"] for row in rows] + [row["member"] for row in rows if row["member"]])
    print(
        f"{'position':>8}  {'decided at (UTC)':<23} {'kind':<38} {'subject':<30} {'by':<36} "
        "rationale / member"
    )
    for row in rows:
        label = row["subject"]["label"]
        name = label.get("en") or label.get("default") or next(iter(label.values()), row["subject"]["id"])
        moment = datetime.fromisoformat(row["decided_at"]).astimezone(UTC).isoformat(sep=" ")[:23]
        said = row["rationale"] or " ".join(
            part
            for part in (
                people.get(row["member"] or "", row["member"] or ""),
                f"{row['previous_role']} →" if row["previous_role"] else "",
                row["role"] or "",
            )
            if part
        )
        print(
            f"{row['position']:>8}  {moment:<23} {row['kind']:<38} {_short(name, 30):<30} "
            f"{people.get(row['actor'], row['actor']):<36} {_short(said, 80)}"
        )
    return OK


def replay(args: argparse.Namespace) -> int:
    """Every read model as it stood at ``--until``, in a new SQLite file."""
    try:
        moment = _moment(args.until, "until")
        path: Path = args.into
        if path.exists():
            if not args.force:
                raise Unusable(f"{path} exists already (--force replaces it)")
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
    except Unusable as error:
        print(f"tawasul replay: {error}", file=sys.stderr)
        return CANNOT_CHECK
    _setup()
    from events.audit.service import verify_store
    from events.platform import application
    from projections.replay import replay_until

    app = application()
    position = app.ledger.last_position_at(moment)
    if not args.skip_verify and position:
        report = verify_store(app, until=position, progress=_progress("verifying"))
        if not report.ok:
            first = report.chain.first_break
            print(
                f"Not replayed: the chain is BROKEN at position {first.position if first else '?'}: "
                f"{first.detail if first else ''} (--skip-verify replays it all the same)",
                file=sys.stderr,
            )
            return BROKEN
    info = replay_until(app, moment, path, position=position, progress=_progress("replaying"))
    print(
        f"Replayed positions 1..{info['position']} (the last recorded at or before "
        f"{moment.isoformat()}; chain digest {info['digest']}) into {path}."
    )
    print("The file's audit_replay table says what it holds.")
    return OK
