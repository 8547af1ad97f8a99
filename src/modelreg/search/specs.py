"""What each searchable entity accepts: attributes, comparators, order keys, page sizes."""

from __future__ import annotations

from dataclasses import dataclass

from modelreg.search.ast import ComparisonKind, OrderKey

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
    #: Which prefixed identifiers (``tags.k``, ``metrics.k``, ``params.k``) filters may use.
    prefixed_kinds: frozenset[ComparisonKind] = frozenset({"tag"})
    #: Which prefixed identifiers ``order_by`` may use.
    orderable_kinds: frozenset[ComparisonKind] = frozenset()

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

RUNS = SearchSpec(
    entity="runs",
    string_attributes=frozenset({"run_id", "run_name", "status", "user_id", "artifact_uri"}),
    numeric_attributes=frozenset({"start_time", "end_time"}),
    list_attributes=frozenset({"run_id", "run_name", "status"}),
    order_keys={
        "start_time": "start_time",
        "end_time": "end_time",
        "run_name": "run_name",
        "status": "status",
        "run_id": "run_id",
    },
    default_order=(OrderKey("start_time", ascending=False),),
    default_max_results=1000,
    max_results_limit=50_000,
    prefixed_kinds=frozenset({"tag", "metric", "param"}),
    orderable_kinds=frozenset({"tag", "metric", "param"}),
)

EXPERIMENTS = SearchSpec(
    entity="experiments",
    string_attributes=frozenset({"name"}),
    numeric_attributes=frozenset({"creation_time", "last_update_time"}),
    list_attributes=frozenset({"name"}),
    order_keys={
        "name": "name",
        "experiment_id": "experiment_id",
        "creation_time": "creation_time",
        "last_update_time": "last_update_time",
    },
    default_order=(OrderKey("creation_time", ascending=False),),
    default_max_results=1000,
    max_results_limit=50_000,
)
