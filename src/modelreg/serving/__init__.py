"""The scoring server: MLflow's scoring protocol and the Open Inference Protocol, following
the registry's stages and aliases (``modelreg models serve``).

Importing this package is cheap; pandas and the flavors load with the first model.
"""

from __future__ import annotations

from modelreg.serving.app import create_scoring_app
from modelreg.serving.settings import CanarySpec, ModelSpec, ServingSettings

__all__ = ["CanarySpec", "ModelSpec", "ServingSettings", "create_scoring_app"]
