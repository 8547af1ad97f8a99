"""Lazy imports of the heavy optional libraries (numpy, pandas, scikit-learn, skops, cloudpickle).

They are imported on first use, never when ``modelreg.models``, ``modelreg.pyfunc`` or
``modelreg.sklearn`` is imported, and a missing one fails with the ``pip install`` line of
the extra that brings it. The modules come back typed ``Any``: these libraries ship no type
information (numpy does, but mixing typed numpy with untyped pandas buys nothing here).
"""

from __future__ import annotations

import importlib
from typing import Any

from modelreg.models.errors import MissingOptionalDependency

__all__ = ["import_optional"]

#: The extra that installs each optional module (the top-level package name is the key).
EXTRA_OF = {
    "numpy": "sklearn",
    "pandas": "sklearn",
    "scipy": "sklearn",
    "sklearn": "sklearn",
    "skops": "sklearn",
    "cloudpickle": "sklearn",
}


def import_optional(module: str) -> Any:
    """Import ``module`` (e.g. ``"skops.io"``), or fail with the extra to install."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        top = module.partition(".")[0]
        if error.name is not None and error.name.partition(".")[0] == top:
            raise MissingOptionalDependency(top, EXTRA_OF.get(top, "sklearn")) from error
        raise
