"""The unit of work of one batch: read-model rows by primary key, in memory.

Projectors read and change rows through :class:`Rows` instead of querying
per event; the runner flushes it once at the end of the batch, inside the
batch's transaction (deletes, then bulk inserts, then bulk updates, model by
model). A replay of 100,000 events thus costs a few statements per batch, not
several per event. Every read-model key is a primary key (see projections/models.py),
so lookups never need anything else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models

M = TypeVar("M", bound=models.Model)

_MISSING = object()


class Rows:
    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        # model -> pk -> row (None: known not to exist)
        self._known: dict[type[models.Model], dict[Any, models.Model | None]] = {}
        # rows as they are in the database (loaded), by model
        self._stored: dict[type[models.Model], set[Any]] = {}
        self._new: dict[type[models.Model], dict[Any, models.Model]] = {}
        self._dirty: dict[type[models.Model], dict[Any, models.Model]] = {}
        self._deleted: dict[type[models.Model], set[Any]] = {}
        self._order: list[type[models.Model]] = []

    def _track(self, model: type[models.Model]) -> None:
        if model not in self._known:
            self._known[model] = {}
            self._stored[model] = set()
            self._new[model] = {}
            self._dirty[model] = {}
            self._deleted[model] = set()
            self._order.append(model)

    def get(self, model: type[M], pk: Any) -> M | None:
        """The row with this primary key as the batch has it so far, or None."""
        self._track(model)
        known = self._known[model].get(pk, _MISSING)
        if known is _MISSING:
            row = model._default_manager.using(self.alias).filter(pk=pk).first()
            self._known[model][pk] = row
            if row is not None:
                self._stored[model].add(pk)
            return row
        return known  # type: ignore[return-value]

    def require(self, model: type[M], pk: Any) -> M:
        row = self.get(model, pk)
        if row is None:
            raise LookupError(f"{model.__name__} {pk} is not in the read model")
        return row

    def prefetch(self, model: type[models.Model], pks: Iterable[Any]) -> None:
        """Load many rows in one query (before a loop that will ask for them)."""
        self._track(model)
        wanted = {pk for pk in pks if pk not in self._known[model]}
        if not wanted:
            return
        for row in model._default_manager.using(self.alias).filter(pk__in=wanted):
            self._known[model][row.pk] = row
            self._stored[model].add(row.pk)
            wanted.discard(row.pk)
        for pk in wanted:
            self._known[model][pk] = None

    def add(self, row: models.Model) -> None:
        """A new row (an insert at flush time)."""
        model = type(row)
        self._track(model)
        self._known[model][row.pk] = row
        self._new[model][row.pk] = row
        self._dirty[model].pop(row.pk, None)

    def changed(self, row: models.Model) -> None:
        """A row read from this batch was modified (an update at flush time)."""
        model = type(row)
        self._track(model)
        if row.pk not in self._new[model]:
            self._dirty[model][row.pk] = row

    def delete(self, model: type[models.Model], pk: Any) -> None:
        self.get(model, pk)
        self._known[model][pk] = None
        self._new[model].pop(pk, None)
        self._dirty[model].pop(pk, None)
        if pk in self._stored[model]:
            self._deleted[model].add(pk)

    def flush(self) -> None:
        """Write everything, model by model, in the order the models were first used."""
        if not self._flush_in_one_round_trip():
            for model in self._order:
                manager = model._default_manager.using(self.alias)
                deleted = self._deleted[model]
                if deleted:
                    manager.filter(pk__in=list(deleted)).delete()
                new = list(self._new[model].values())
                if new:
                    insert(model, new, self.alias)
                dirty = list(self._dirty[model].values())
                if dirty:
                    update(model, dirty, self.alias)
        for model in self._order:
            self._stored[model] = {pk for pk, row in self._known[model].items() if row is not None}
            self._new[model] = {}
            self._dirty[model] = {}
            self._deleted[model] = set()

    def _flush_in_one_round_trip(self) -> bool:
        """A live batch (a few rows, nothing deleted) on PostgreSQL: every INSERT and
        UPDATE in one execute, one round trip instead of two per model."""
        connection = connections[self.alias]
        if connection.vendor != "postgresql" or any(self._deleted[m] for m in self._order):
            return False
        if sum(len(self._new[m]) + len(self._dirty[m]) for m in self._order) > SMALL_FLUSH:
            return False
        sql: list[str] = []
        params: list[Any] = []
        for model in self._order:
            for rows, statement in ((self._new[model], _insert_values), (self._dirty[model], _update_values)):
                if rows:
                    text, values = statement(model, list(rows.values()), connection)
                    sql.append(text)
                    params.extend(values)
        if sql:
            with connection.cursor() as cursor:
                cursor.execute(";\n".join(sql), params)
        return True


# Rows of a batch written in one multi-statement round trip (larger batches use COPY).
SMALL_FLUSH = 100


def _getters(fields: list[Any]) -> list[Callable[[models.Model], Any]]:
    """How to read each field's value for psycopg. Read-model values are UUIDs,
    strings, numbers, booleans, datetimes and dates, which psycopg adapts as they
    are. JSON goes as its text, encoded once per object: one live item's data is
    shared by the rows of all its streams."""
    encoded: dict[int, str] = {}

    def as_json(value: Any) -> str:
        key = id(value)
        if key not in encoded:
            encoded[key] = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
        return encoded[key]

    def json_of(attname: str) -> Callable[[models.Model], str]:
        return lambda row: as_json(getattr(row, attname))

    return [json_of(f.attname) if isinstance(f, models.JSONField) else attrgetter(f.attname) for f in fields]


def insert(model: type[models.Model], new: list[models.Model], alias: str) -> None:
    """Insert rows: COPY on PostgreSQL (the fastest way in), bulk_create elsewhere."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model._default_manager.using(alias).bulk_create(new, batch_size=1000)
        return
    shape = _shape(model, connection)
    getters = _getters(shape.fields)
    table, columns = shape.table, shape.columns
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in new:
            copy.write_row([get(row) for get in getters])


UPDATE_CHUNK = 500


@dataclass(frozen=True)
class _Shape:
    """A model's table as the SQL below needs it (computed once per model)."""

    table: str
    fields: list[Any]  # primary key first
    columns: str
    casts: str  # "(%s::uuid, %s::text, …)": one row of parameters
    key: str
    assignments: str  # every column but the key, from v


_shapes: dict[tuple[type[models.Model], str], _Shape] = {}


def _shape(model: type[models.Model], connection: Any) -> _Shape:
    found = _shapes.get((model, connection.vendor))
    if found is None:
        quote = connection.ops.quote_name
        pk = model._meta.pk
        assert pk is not None
        others = [f for f in model._meta.concrete_fields if not f.primary_key]
        fields = [pk, *others]
        found = _shapes[(model, connection.vendor)] = _Shape(
            table=quote(model._meta.db_table),
            fields=fields,
            columns=", ".join(quote(str(f.column)) for f in fields),
            casts="(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + ")",
            key=quote(str(pk.column)),
            assignments=", ".join(f"{quote(str(f.column))} = v.{quote(str(f.column))}" for f in others),
        )
    return found


def _parameters(shape: _Shape, rows: list[models.Model]) -> list[Any]:
    getters = _getters(shape.fields)
    return [get(row) for row in rows for get in getters]


# Identifiers in the SQL below come from the models' metadata; values are parameters.
Statement = tuple[str, list[Any]]


def _insert_values(model: type[models.Model], rows: list[models.Model], connection: Any) -> Statement:
    shape = _shape(model, connection)
    values = ", ".join([shape.casts] * len(rows))
    sql = f"INSERT INTO {shape.table} ({shape.columns}) VALUES {values}"  # noqa: S608
    return sql, _parameters(shape, rows)


def _update_values(model: type[models.Model], rows: list[models.Model], connection: Any) -> Statement:
    shape = _shape(model, connection)
    values = ", ".join([shape.casts] * len(rows))
    sql = (
        f"UPDATE {shape.table} AS t SET {shape.assignments} "  # noqa: S608
        f"FROM (VALUES {values}) AS v ({shape.columns}) WHERE t.{shape.key} = v.{shape.key}"
    )
    return sql, _parameters(shape, rows)


def update(model: type[models.Model], dirty: list[models.Model], alias: str) -> None:
    """Write changed rows back, every column. On PostgreSQL one ``UPDATE … FROM
    (VALUES …)`` per chunk of rows: Django's bulk_update builds a CASE expression
    per column and row, which costs more than the batch of a live event itself."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        model._default_manager.using(alias).bulk_update(dirty, names, batch_size=UPDATE_CHUNK)
        return
    for start in range(0, len(dirty), UPDATE_CHUNK):
        sql, params = _update_values(model, dirty[start : start + UPDATE_CHUNK], connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
