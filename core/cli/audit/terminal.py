"""What every ``tawasul audit`` command shares: exit statuses, the error of an
unusable argument, reading a moment or a UUID, printing JSON and progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

OK, BROKEN, CANNOT_CHECK = 0, 1, 2


class Unusable(Exception):
    """An argument or file the command cannot work with (exit status 2)."""


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def progress(label: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(position: int, head: int) -> None:
        sys.stderr.write(f"\r{label} {position}/{head}")
        if position >= head:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def moment_argument(text: str, name: str) -> datetime:
    from events.audit.service import parse_moment
    from events.errors import ValidationFailed

    try:
        return parse_moment(text, name)
    except ValidationFailed as error:
        raise Unusable(f"--{name.replace('_', '-')}: {error.detail}") from None


def uuid_argument(text: str, name: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise Unusable(f"{name} must be a UUID, not {text!r}") from None
