"""``tawasul audit history|state|decisions``: a resource's events with their
changes, its state at a moment or version, the decision timeline."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from core.cli.audit.terminal import BROKEN, OK, Unusable, moment_argument, print_json, uuid_argument
from core.cli.setup import setup


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
    setup()
    from events.audit.service import aggregate_history
    from events.errors import DomainError
    from events.platform import application

    try:
        found = aggregate_history(application(), args.kind, uuid_argument(args.id, "id"))
    except DomainError as error:
        raise Unusable(error.detail) from None
    if args.json:
        print_json(found.as_json())
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
    setup()
    from events.audit.service import aggregate_state
    from events.errors import DomainError
    from events.platform import application

    moment = moment_argument(args.as_of, "as_of") if args.as_of else None
    try:
        view = aggregate_state(
            application(), args.kind, uuid_argument(args.id, "id"), version=args.version, as_of=moment
        )
    except DomainError as error:
        raise Unusable(error.detail) from None
    print_json(view.as_json())
    return OK


def decisions(args: argparse.Namespace) -> int:
    setup()
    from events.ids import commission_id
    from projections.timeline import DecisionFilter, render, unknown_kinds
    from projections.timeline import decisions as select

    commission = None
    if args.commission:
        text = args.commission
        commission = commission_id(text) if len(text) == 2 else uuid_argument(text, "--commission")
    unknown = unknown_kinds(args.kind)
    if unknown:
        raise Unusable(f"unknown decision kinds: {', '.join(unknown)}")
    selection = DecisionFilter(
        commission_id=commission,
        actor=args.actor,
        kinds=tuple(args.kind),
        since=moment_argument(args.since, "since") if args.since else None,
        until=moment_argument(args.until, "until") if args.until else None,
    )
    rows = [render(entry) for entry in select(selection)[: max(args.limit, 0)]]
    if args.json:
        print_json(rows)
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
