"""Trigram indexes for name search on PostgreSQL (projections/search.py).
Nothing on SQLite, which scans its small directory instead."""

from django.db import migrations

TABLES = ("rm_commission", "rm_partner")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The extension may live in another schema than these tables (a scratch copy
    # of the read models has a schema of its own): name its operator class fully.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
        )
        extension_schema = cursor.fetchone()[0]
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm "
            f"ON {table} USING gin (search_text {extension_schema}.gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("projections", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
