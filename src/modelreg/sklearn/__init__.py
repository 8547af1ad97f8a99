"""The scikit-learn flavor: save and load estimators as MLflow model folders.

Importing this package is cheap: scikit-learn, skops and friends load on first use
(``pip install 'modelreg[sklearn]'``).
"""

from __future__ import annotations

from modelreg.sklearn.flavor import (
    FLAVOR_NAME,
    SklearnPyFunc,
    load_model,
    load_pyfunc,
    save_model,
    write_model_folder,
)
from modelreg.sklearn.log import log_model
from modelreg.sklearn.serialization import SERIALIZATION_FORMATS

# MLflow's loader-module protocol: ``<loader_module>._load_pyfunc(path)``.
_load_pyfunc = load_pyfunc

__all__ = [
    "FLAVOR_NAME",
    "SERIALIZATION_FORMATS",
    "SklearnPyFunc",
    "load_model",
    "load_pyfunc",
    "log_model",
    "save_model",
    "write_model_folder",
]
