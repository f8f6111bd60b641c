"""The projector of this process: built once, started by `tawasul serve` (embedded)
or `tawasul projector` (its own process), and waited on for read-your-writes."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

from events.platform import application
from projections.models import ProjectionPosition
from projections.projectors import all_projectors
from projections.runner import ProjectionRunner, Publish

logger = logging.getLogger(__name__)

_runner: ProjectionRunner | None = None
_thread: threading.Thread | None = None
_stopping = threading.Event()
_lock = threading.Lock()


def runner(publish: Publish | None = None) -> ProjectionRunner:
    """This process's runner over every projector."""
    global _runner
    with _lock:
        if _runner is None:
            _runner = ProjectionRunner(application(), all_projectors(), publish=publish)
        elif publish is not None:
            _runner.publish = publish
    return _runner


def start_in_background(publish: Publish | None = None) -> ProjectionRunner:
    """Run the projector in a thread of this process (the embedded default)."""
    global _thread
    current = runner(publish)
    with _lock:
        if _thread is None or not _thread.is_alive():
            _stopping.clear()
            _thread = threading.Thread(target=_run, args=(current,), name="projector", daemon=True)
            _thread.start()
    return current


def _run(current: ProjectionRunner) -> None:
    try:
        current.run(_stopping)
    finally:
        close_old_connections()


def stop() -> None:
    global _thread
    _stopping.set()
    if _thread is not None:
        _thread.join(timeout=10)
    _thread = None


def is_running_here() -> bool:
    return _thread is not None and _thread.is_alive()


def wait_for(position: int, timeout: float = 2.0) -> bool:
    """Block until the read models include ``position`` (read-your-writes).

    With the projector in this process, wait on its progress; otherwise poll its
    tracking rows (a few milliseconds apart at first, then less often)."""
    if position <= 0:
        return True
    if is_running_here() and _runner is not None:
        return _runner.wait_for(position, timeout)
    deadline = time.monotonic() + timeout
    pause = 0.002
    while True:
        lowest = min(ProjectionPosition.objects.values_list("position", flat=True), default=0)
        if lowest >= position:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
