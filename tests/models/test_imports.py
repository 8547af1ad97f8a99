"""The flavor packages import no heavy library until they are used."""

from __future__ import annotations

import subprocess
import sys

import modelreg.models
import modelreg.pyfunc
import modelreg.sklearn

HEAVY = ("numpy", "pandas", "sklearn", "scipy", "skops", "cloudpickle", "mlflow")


def test_importing_the_flavors_loads_no_heavy_library() -> None:
    code = (
        "import sys, modelreg.models, modelreg.pyfunc, modelreg.sklearn; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_all_lists_exactly_the_public_names() -> None:
    for module in (modelreg.models, modelreg.pyfunc, modelreg.sklearn):
        assert all(getattr(module, name) is not None for name in module.__all__)
        public = {n for n in vars(module) if not n.startswith("_")}
        submodules = {n for n in public if type(getattr(module, n)).__name__ == "module"}
        assert sorted(module.__all__) == sorted(public - submodules - {"annotations"})


def test_sklearn_keeps_mlflows_loader_entry_point() -> None:
    assert modelreg.sklearn._load_pyfunc is modelreg.sklearn.load_pyfunc
