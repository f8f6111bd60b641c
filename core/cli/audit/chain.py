"""``tawasul audit verify|checkpoint|export|keygen``: the hash chain, checked,
signed and exported. The work is done by events/audit; these read arguments
and print. ``verify --bundle`` and ``keygen`` need no database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.cli.audit.terminal import BROKEN, OK, Unusable, print_json, progress
from core.cli.setup import setup


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
            print_json(report.as_json())
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
    setup()
    from events.audit.service import verify_store
    from events.platform import application

    store_report = verify_store(
        application(),
        checkpoints=checkpoints,
        keys=keys,
        check_times=not args.no_time_check,
        progress=progress("verifying"),
    )
    if args.json:
        print_json(store_report.as_json())
    else:
        _show_chain(store_report.chain, store_report.checkpoints, what="Event store")
        rate = store_report.chain.events / store_report.seconds if store_report.seconds else 0
        print(f"Checked in {store_report.seconds:.2f} s ({rate:,.0f} events/s).")
        print("OK: the history is intact." if store_report.ok else "FAILED.")
    return OK if store_report.ok else BROKEN


def _against_store(bundle: Path, *, json_output: bool) -> int:
    """Where the live store first differs from a (verified, older) bundle."""
    setup()
    from events.audit.bundle import read_entries
    from events.audit.service import compare_with_store
    from events.platform import application

    with bundle.open(encoding="utf-8") as stream:
        divergence = compare_with_store(application(), read_entries(stream))
    if json_output:
        print_json({"against_store": divergence.as_json() if divergence else None})
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
    setup()
    from events.audit.service import ChainBroken, make_checkpoint
    from events.errors import ValidationFailed
    from events.platform import application

    try:
        signed, _ = make_checkpoint(
            application(),
            key,
            organisation=_organisation(),
            now=datetime.now(UTC),
            progress=progress("verifying"),
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
    setup()
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
                progress=progress("exporting"),
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
