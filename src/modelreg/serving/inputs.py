"""Read a scoring request's body into what the model predicts on, as MLflow's server does.

JSON bodies carry exactly one of ``dataframe_split``, ``dataframe_records``, ``instances``
or ``inputs`` (plus optional ``params``); ``text/csv`` has a header row; Parquet is a
DataFrame's bytes. Every way a body can be wrong raises a :class:`~modelreg.serving.errors`
error naming what is wrong. Parsing builds no DataFrame: :meth:`ModelInput.data` does, when
the request is predicted alone; a batch joins the requests' :class:`Table` views instead.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from modelreg.models.optional_imports import import_optional
from modelreg.models.schema import Schema
from modelreg.serving.errors import BadInput, SchemaMismatch, UnsupportedContentType
from modelreg.serving.tables import Table

__all__ = [
    "CONTENT_TYPES",
    "ModelInput",
    "array_input",
    "decode_json",
    "media_type",
    "parse_body",
    "parse_csv",
    "parse_json",
]

JSON = "application/json"
CSV = "text/csv"
PARQUET = "application/vnd.apache.parquet"
#: The content types ``/invocations`` reads.
CONTENT_TYPES = (JSON, CSV, PARQUET)

FORMATS = ("dataframe_split", "dataframe_records", "instances", "inputs")
PARAMS = "params"
REQUIRED_INPUT_FORMAT = (
    "The input must be a JSON dictionary with exactly one of the input fields "
    "{'dataframe_split', 'dataframe_records', 'instances', 'inputs'} (and optionally 'params')"
)


@dataclass(frozen=True)
class ModelInput:
    """A parsed request: how to build the model's input, its row count and its params."""

    build: Callable[[], Any]
    rows: int
    params: dict[str, Any] | None = None
    table: Table | None = None

    def data(self) -> Any:
        """The object the model predicts on (a DataFrame, a dict of columns, an array...)."""
        return self.build()


def media_type(content_type: str | None) -> str:
    """The media type of a ``Content-Type`` header, checked: JSON, CSV or Parquet, UTF-8."""
    if content_type is None or not content_type.strip():
        raise UnsupportedContentType(
            "The request has no Content-Type header. Send application/json (MLflow's "
            "dataframe_split, dataframe_records, instances or inputs), text/csv with a header "
            f"row, or {PARQUET}.",
            supported=list(CONTENT_TYPES),
        )
    mime, *parameters = (part.strip() for part in content_type.split(";"))
    mime = mime.lower()
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        key, value = key.strip().lower(), value.strip().strip('"').lower()
        if key == "charset" and value not in ("utf-8", "utf8"):
            raise UnsupportedContentType(
                f"Unsupported charset '{value}': the scoring server reads UTF-8 only.",
                supported=list(CONTENT_TYPES),
            )
        if key != "charset":
            raise UnsupportedContentType(
                f"Unsupported Content-Type parameter '{parameter}' in '{content_type}' (MLflow "
                "1.x's format=pandas-split and the like are gone since MLflow 2.0: put the "
                'format in the JSON body, e.g. {"dataframe_split": ...}).',
                supported=list(CONTENT_TYPES),
            )
    if mime not in CONTENT_TYPES:
        raise UnsupportedContentType(
            f"Unsupported Content-Type '{content_type}': this server reads "
            f"{', '.join(CONTENT_TYPES)}.",
            supported=list(CONTENT_TYPES),
        )
    return mime


def parse_body(body: bytes, mime: str, schema: Schema | None, *, table_rows: int = 0) -> ModelInput:
    """Parse a body of media type ``mime`` (see :func:`media_type`).

    ``table_rows``: build a :class:`Table` view for requests of at most this many rows.
    """
    if mime == CSV:
        return parse_csv(body, schema)
    if mime == PARQUET:
        return _parse_parquet(body)
    return parse_json(body, schema, table_rows=table_rows)


def parse_json(body: bytes, schema: Schema | None, *, table_rows: int = 0) -> ModelInput:
    """Parse MLflow's JSON scoring request."""
    if not body.strip():
        raise BadInput(
            f"Invalid input. The request body is empty. {REQUIRED_INPUT_FORMAT}, e.g. "
            '{"dataframe_split": {"columns": [...], "data": [[...]]}}.'
        )
    document = decode_json(body, "Invalid input. ")
    if not isinstance(document, dict):
        raise BadInput(f"Invalid input. {REQUIRED_INPUT_FORMAT}. Received {_json_type(document)}.")
    unknown = [key for key in document if key not in FORMATS and key != PARAMS]
    formats = [key for key in document if key in FORMATS]
    if unknown or len(formats) != 1:
        hint = (
            f" Unknown input fields: {unknown}. (MLflow 1.x's request formats are not accepted "
            "since MLflow 2.0.)"
            if unknown
            else ""
        )
        raise BadInput(
            f"Invalid input. {REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: "
            f"{list(document)}.{hint}",
            unknown_fields=unknown,
        )
    params = document.get(PARAMS)
    if params is not None and not isinstance(params, dict):
        raise BadInput(f"Invalid input. 'params' must be a JSON object; got {_json_type(params)}.")
    form = formats[0]
    value = document[form]
    if form == "dataframe_split":
        return _split(value, params, table_rows)
    if form == "dataframe_records":
        return _records(value, params, table_rows, form)
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return _records(value, params, table_rows, form)
    if form == "inputs" and isinstance(value, dict):
        return _columns(value, params, schema, table_rows)
    rows = len(value) if isinstance(value, list) else 1
    return ModelInput(lambda: array_input(value, schema), rows, params)


def decode_json(body: bytes, prefix: str = "") -> Any:
    """The JSON document of ``body``; raises BadInput saying where it is malformed.

    Python's ``json.dumps`` writes ``NaN`` and ``Infinity`` for missing and infinite floats
    (pandas frames turned into dicts carry them), and MLflow's server reads them: so do we.
    """
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise BadInput(f"{prefix}The body is not valid JSON: {error}.") from None


def _split(value: Any, params: dict[str, Any] | None, table_rows: int) -> ModelInput:
    if not isinstance(value, dict):
        raise BadInput(
            "Invalid input. dataframe_split must be an object with 'columns' and 'data' (and "
            f"optionally 'index'); got {_json_type(value)}."
        )
    extra = sorted(set(value) - {"columns", "data", "index"})
    if "data" not in value or extra:
        problem = f"unknown fields {extra}" if extra else "no 'data' field"
        raise BadInput(
            "Invalid input. dataframe_split must have a 'data' field and optionally 'columns' "
            f"and 'index'; it has {problem}."
        )
    data, columns, index = value["data"], value.get("columns"), value.get("index")
    if not isinstance(data, list):
        raise BadInput(
            f"Invalid input. dataframe_split.data must be a list of rows; got {_json_type(data)}."
        )
    if columns is not None:
        _check_columns(columns)
    table = None
    if data and all(isinstance(row, list) for row in data):
        width = len(columns) if columns is not None else len(data[0])
        for i, row in enumerate(data):
            if len(row) != width:
                named = "'columns' names" if columns is not None else "data[0] has"
                raise BadInput(
                    f"Invalid input. dataframe_split.data[{i}] has {len(row)} values but "
                    f"{named} {width}.",
                    row=i,
                )
        if columns is not None and index is None and len(data) <= table_rows:
            table = Table.from_rows(columns, data)

    def build() -> Any:
        pd = import_optional("pandas")
        try:
            return pd.DataFrame(index=index, columns=columns, data=data)
        except (ValueError, TypeError) as error:
            raise BadInput(
                "Invalid input. dataframe_split is not a valid DataFrame in 'split' format: "
                f"{error}"
            ) from None

    return ModelInput(build, len(data), params, table)


def _check_columns(columns: Any) -> None:
    if not isinstance(columns, list):
        raise BadInput(
            f"Invalid input. dataframe_split.columns must be a list; got {_json_type(columns)}."
        )
    seen: set[Any] = set()
    duplicates = []
    for column in columns:
        if not isinstance(column, str | int | float) or isinstance(column, bool):
            raise BadInput(
                f"Invalid input. Column names must be strings; got {_json_type(column)}."
            )
        if column in seen:
            duplicates.append(column)
        seen.add(column)
    if duplicates:
        raise BadInput(f"Invalid input. Duplicate column names: {duplicates}.")


def _records(value: Any, params: dict[str, Any] | None, table_rows: int, form: str) -> ModelInput:
    if not isinstance(value, list):
        raise BadInput(
            f"Invalid input. {form} must be a list of records (JSON objects); "
            f"got {_json_type(value)}."
        )
    for i, record in enumerate(value):
        if not isinstance(record, dict):
            raise BadInput(
                f"Invalid input. {form}[{i}] is {_json_type(record)}, not a record "
                "(a JSON object mapping column names to values).",
                row=i,
            )
    table = Table.from_records(value) if len(value) <= table_rows else None

    def build() -> Any:
        pd = import_optional("pandas")
        try:
            return pd.DataFrame(data=value)
        except (ValueError, TypeError) as error:
            raise BadInput(
                f"Invalid input. {form} is not a valid list of records: {error}"
            ) from None

    return ModelInput(build, len(value), params, table)


def _columns(
    value: dict[str, Any], params: dict[str, Any] | None, schema: Schema | None, table_rows: int
) -> ModelInput:
    lists = [column for column in value.values() if isinstance(column, list)]
    rows = max((len(column) for column in lists), default=1)
    table = None
    plain_columns = len(lists) == len(value) and all(len(column) == rows for column in lists)
    # A dict of lists of strings only is one row of list values to the schema layer.
    if plain_columns and 0 < rows <= table_rows and _not_one_row(lists):
        table = Table(tuple(value), tuple(value.values()), rows)
    tensor = schema is not None and schema.is_tensor_spec()
    if schema is None or tensor:
        return ModelInput(lambda: _arrays(value, schema), rows, params)
    return ModelInput(lambda: value, rows, params, table)


def _not_one_row(columns: list[list[Any]]) -> bool:
    return any(not all(isinstance(item, str) for item in column) for column in columns)


def _arrays(value: dict[str, Any], schema: Schema | None) -> dict[str, Any]:
    np = import_optional("numpy")
    dtypes = {spec.name: spec.dtype for spec in schema.tensors()} if schema is not None else {}
    result = {}
    for name, column in value.items():
        try:
            result[name] = np.asarray(column, dtype=_numpy_dtype(dtypes.get(name)))
        except (ValueError, TypeError, OverflowError) as error:
            raise SchemaMismatch(
                f"Input '{name}' cannot be read as a {dtypes.get(name) or 'numeric'} array: "
                f"{error}",
                column=name,
            ) from None
    return result


def array_input(value: Any, schema: Schema | None) -> Any:
    """A list of rows or a scalar: an array for tensor models, rows for column models."""
    if schema is not None and not schema.is_tensor_spec():
        return value
    np = import_optional("numpy")
    dtype = schema.tensors()[0].dtype if schema is not None else None
    try:
        return np.asarray(value, dtype=_numpy_dtype(dtype))
    except (ValueError, TypeError, OverflowError) as error:
        raise SchemaMismatch(
            f"The input cannot be read as a {dtype or 'numeric'} array: {error}"
        ) from None


def _numpy_dtype(name: str | None) -> Any:
    if name is None:
        return None
    return {"str": str, "bytes": bytes}.get(name, name)


def parse_csv(body: bytes, schema: Schema | None) -> ModelInput:
    """A CSV body with a header row; string columns of the schema are read as text."""
    pd = import_optional("pandas")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(f"Invalid input. The CSV body is not valid UTF-8: {error}.") from None
    if not text.strip():
        raise BadInput("Invalid input. The CSV body is empty: send a header row, then the rows.")
    dtypes = {}
    if schema is not None and schema.has_input_names() and not schema.is_tensor_spec():
        dtypes = {spec.name: object for spec in schema.columns() if spec.type_name == "string"}
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=dtypes or None)
    except ValueError as error:  # pandas' ParserError and EmptyDataError among them
        raise BadInput(
            "Invalid input. The body is not a CSV table with a header row (as written by "
            f"pandas.DataFrame.to_csv(index=False)): {error}"
        ) from None
    return ModelInput(lambda: frame, len(frame))


def _parse_parquet(body: bytes) -> ModelInput:
    pd = import_optional("pandas")
    try:
        import_optional("pyarrow")
    except ImportError:
        raise UnsupportedContentType(
            f"{PARQUET} input needs pyarrow on the server: pip install pyarrow.",
            supported=[JSON, CSV],
        ) from None
    try:
        frame = pd.read_parquet(io.BytesIO(body))
    except Exception as error:  # pyarrow raises its own errors for every kind of bad file
        raise BadInput(f"Invalid input. The body is not a Parquet file: {error}") from None
    return ModelInput(lambda: frame, len(frame))


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
