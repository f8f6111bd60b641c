"""Helpers shared by the benchmarks: a scratch event store, timing, reporting."""

from __future__ import annotations

import os
import statistics
import tempfile
from typing import Any

import psycopg

PG_ADMIN_DSN = os.environ.get("TAWASUL_BENCH_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    os.environ.setdefault("TAWASUL_VAR_DIR", tempfile.mkdtemp(prefix="tawasul-bench-"))
    import django

    django.setup()


def fresh_postgres_database(name: str) -> str:
    """Drop and create a database for one benchmark run; returns its name."""
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def postgres_env(dbname: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": "events.store.postgres:PostgresEventRecorder",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
        "POSTGRES_POOL_SIZE": "4",
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }


def sqlite_env(path: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": "events.store.sqlite:SQLiteEventRecorder",
        "SQLITE_DBNAME": path,
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }


def content_store() -> Any:
    from django.core.files.storage import FileSystemStorage

    from events.files import ContentStore

    return ContentStore(FileSystemStorage(tempfile.mkdtemp(prefix="tawasul-bench-files-")), 50 * 1024 * 1024)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(title: str, rows: list[tuple[str, Any]]) -> None:
    print(f"\n{title}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
        print(f"  {label:<{width}}  {shown}")


def verdict(ratio: float, target: float, *, higher_is_better: bool = True) -> str:
    met = ratio >= target if higher_is_better else ratio <= target
    sign = ">=" if higher_is_better else "<="
    return f"{ratio:.2f} (target {sign} {target}: {'met' if met else 'NOT met'})"
