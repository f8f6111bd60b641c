"""The one place where a ``tawasul`` command sets Django up and readies the store."""

from __future__ import annotations

import os


def setup() -> None:
    """Configure Django (core/settings.py) for a command that needs it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()


def prepare_store() -> None:
    """Apply migrations and create the event store's tables."""
    from django.core.management import call_command

    from events.platform import application

    call_command("migrate", interactive=False, verbosity=0)
    application()
