"""Plain tables of JSON values, and when several requests' tables can be predicted together.

A :class:`Table` is a request's rows kept as columns of plain Python values. Requests whose
tables have the same columns, and whose values convert to the model's column types without
any judgement call (floats and safe ints for doubles, ints for longs, strings for strings,
booleans for booleans), are joined into one DataFrame and predicted at once: enforcing the
signature on the joined frame gives each row exactly what it would get alone. Anything else
is predicted request by request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from modelreg.models.optional_imports import import_optional
from modelreg.models.schema import ColSpec, Schema

__all__ = ["Table", "batch_types", "join_tables", "table_fits"]

_EXACT_DOUBLE = 2**53


def _double(value: Any) -> bool:
    kind = type(value)
    return (
        kind is float or value is None or (kind is int and -_EXACT_DOUBLE <= value <= _EXACT_DOUBLE)
    )


def _bounded_int(low: int, high: int) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return type(value) is int and low <= value <= high

    return check


def _string(value: Any) -> bool:
    return type(value) is str


def _boolean(value: Any) -> bool:
    return type(value) is bool


#: The column types a batch can carry, and the values each accepts without conversion doubt.
_CHECKS: dict[str, Callable[[Any], bool]] = {
    "double": _double,
    "long": _bounded_int(-(2**63), 2**63 - 1),
    "integer": _bounded_int(-(2**31), 2**31 - 1),
    "string": _string,
    "boolean": _boolean,
}


@dataclass(frozen=True)
class Table:
    """Rows as columns: ``values[i]`` holds column ``columns[i]`` for every row."""

    columns: tuple[str, ...]
    values: tuple[list[Any], ...]
    rows: int

    @classmethod
    def from_rows(cls, columns: Sequence[str], rows: list[list[Any]]) -> Table:
        """A table of ``rows`` (each a list in the order of ``columns``)."""
        values = tuple(map(list, zip(*rows, strict=True))) if rows else ((),) * len(columns)
        return cls(tuple(columns), tuple(list(v) for v in values), len(rows))

    @classmethod
    def from_records(cls, records: list[dict[str, Any]]) -> Table | None:
        """A table of records that all have the same keys in the same order, else None."""
        if not records:
            return None
        keys = tuple(records[0])
        if any(tuple(record) != keys for record in records):
            return None
        return cls(keys, tuple([record[key] for record in records] for key in keys), len(records))


def batch_types(schema: Schema | None) -> dict[str, str] | None:
    """Column name to type of a named column schema of batchable types, else None."""
    if schema is None or schema.is_tensor_spec() or not schema.has_input_names():
        return None
    types: dict[str, str] = {}
    for spec in schema.inputs:
        if not isinstance(spec, ColSpec) or spec.type_name not in _CHECKS:
            return None
        types[str(spec.name)] = spec.type_name
    return types


def table_fits(table: Table, types: dict[str, str]) -> bool:
    """Whether every schema column is present and holds only unambiguous values."""
    present = dict(zip(table.columns, table.values, strict=True))
    for name, type_name in types.items():
        values = present.get(name)
        if values is None or not all(map(_CHECKS[type_name], values)):
            return False
    return True


def join_tables(tables: Sequence[Table], types: dict[str, str]) -> Any:
    """One DataFrame of the schema's columns holding the rows of all ``tables`` in order."""
    pd = import_optional("pandas")
    columns: dict[str, list[Any]] = {}
    for name in types:
        joined: list[Any] = []
        for table in tables:
            joined.extend(table.values[table.columns.index(name)])
        columns[name] = joined
    return pd.DataFrame(columns)
