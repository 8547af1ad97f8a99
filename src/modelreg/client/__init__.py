"""``modelreg.Client``: the registry and tracking API with MlflowClient's names and arguments.

Example::

    from modelreg import Client

    client = Client()                       # ./modelreg-data, or $MODELREG_TRACKING_URI
    client.create_registered_model("Unicorn")
    client.create_model_version("Unicorn", source="runs:/abc/model", run_id="abc")
    client.transition_model_version_stage("Unicorn", 1, "Production")
"""

from __future__ import annotations

from modelreg.backend import open_backend
from modelreg.client.governance_methods import GovernanceMethods
from modelreg.client.history_methods import HistoryMethods
from modelreg.client.promotion_methods import PromotionMethods
from modelreg.client.registry_methods import RegistryMethods
from modelreg.client.tracking_methods import TrackingMethods
from modelreg.config import Settings
from modelreg.operations import Backend

__all__ = ["Client"]


class Client(RegistryMethods, TrackingMethods, HistoryMethods, PromotionMethods, GovernanceMethods):
    """A client of one registry; every method mirrors MlflowClient's.

    Args:
        tracking_uri: ``sqlite:///path``, ``postgresql://host/db`` or a folder. Defaults to
            ``$MODELREG_TRACKING_URI``, else the embedded store in ``./modelreg-data/``.
        artifact_root: where run artifacts and registered model files go. Defaults to
            ``$MODELREG_ARTIFACT_ROOT``, else ``artifacts/`` beside the SQLite file.
        backend: an already open backend to use (for embedding and tests).
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        *,
        artifact_root: str | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.settings = Settings.resolve(tracking_uri, artifact_root=artifact_root)
        self.tracking_uri = self.settings.tracking_uri
        self._backend = backend if backend is not None else open_backend(self.settings)

    def __repr__(self) -> str:
        return f"Client(tracking_uri={self.tracking_uri!r})"

    def close(self) -> None:
        """Release the client's database connections."""
        self._backend.close()
