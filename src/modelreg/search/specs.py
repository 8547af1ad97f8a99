"""What each searchable entity accepts: attributes, comparators, order keys, page sizes."""

from __future__ import annotations

from dataclasses import dataclass

from modelreg.search.ast import OrderKey

STRING_OPS = frozenset({"=", "!=", "LIKE", "ILIKE"})
LIST_OPS = frozenset({"IN", "NOT IN"})
NUMERIC_OPS = frozenset({"=", "!=", "<", "<=", ">", ">="})
TAG_OPS = STRING_OPS


@dataclass(frozen=True)
class SearchSpec:
    """The search grammar's vocabulary for one entity."""

    entity: str
    string_attributes: frozenset[str]
    numeric_attributes: frozenset[str]
    list_attributes: frozenset[str]
    order_keys: dict[str, str]
    default_order: tuple[OrderKey, ...]
    default_max_results: int
    max_results_limit: int

    @property
    def attributes(self) -> frozenset[str]:
        """Every attribute a filter may name."""
        return self.string_attributes | self.numeric_attributes


REGISTERED_MODELS = SearchSpec(
    entity="registered_models",
    string_attributes=frozenset({"name"}),
    numeric_attributes=frozenset(),
    list_attributes=frozenset({"name"}),
    # MLflow maps `timestamp` to the last-updated time.
    order_keys={
        "name": "name",
        "timestamp": "last_updated_timestamp",
        "last_updated_timestamp": "last_updated_timestamp",
        "creation_timestamp": "creation_timestamp",
    },
    default_order=(OrderKey("name"),),
    default_max_results=100,
    max_results_limit=1000,
)

MODEL_VERSIONS = SearchSpec(
    entity="model_versions",
    string_attributes=frozenset({"name", "run_id", "source_path"}),
    numeric_attributes=frozenset({"version_number"}),
    list_attributes=frozenset({"name", "run_id"}),
    order_keys={
        "name": "name",
        "version_number": "version_number",
        "creation_timestamp": "creation_timestamp",
        "timestamp": "last_updated_timestamp",
        "last_updated_timestamp": "last_updated_timestamp",
    },
    default_order=(
        OrderKey("last_updated_timestamp", ascending=False),
        OrderKey("name"),
        OrderKey("version_number", ascending=False),
    ),
    default_max_results=10_000,
    max_results_limit=200_000,
)
