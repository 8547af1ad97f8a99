"""The generic ``python_function`` flavor: load any supported model folder, save PythonModels.

Importing this package is cheap: pandas, numpy and cloudpickle load on first use.
"""

from __future__ import annotations

from modelreg.pyfunc.loading import load_model
from modelreg.pyfunc.log import log_model
from modelreg.pyfunc.pyfunc_model import PyFuncModel
from modelreg.pyfunc.python_model import PythonModel, PythonModelContext
from modelreg.pyfunc.python_model_flavor import write_model_folder
from modelreg.pyfunc.saving import save_model

FLAVOR_NAME = "python_function"

__all__ = [
    "FLAVOR_NAME",
    "PyFuncModel",
    "PythonModel",
    "PythonModelContext",
    "load_model",
    "log_model",
    "save_model",
    "write_model_folder",
]
