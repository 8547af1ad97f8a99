"""The registry server: MLflow's REST API, the artifact proxy, and the web UI."""

from modelreg.server.app import create_app

__all__ = ["create_app"]
