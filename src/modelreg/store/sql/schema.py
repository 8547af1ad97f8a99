"""Every table of the store in one MetaData: what the migrations build and are checked against."""

from modelreg.store.sql import (
    audit_tables,  # noqa: F401  (registers its tables)
    auth_tables,  # noqa: F401  (registers its tables)
    generation,  # noqa: F401  (registers its table)
    governance_tables,  # noqa: F401  (registers its tables)
    webhook_tables,  # noqa: F401  (registers its tables)
)
from modelreg.store.sql.tables import metadata

__all__ = ["metadata"]
