"""Artifact locations as clients see them: ``mlflow-artifacts:/<path>`` under the server's root.

The server keeps real locations (``file:///srv/artifacts/1/<run>/artifacts``, ``s3://...``)
in its database and shows clients the proxied form, which the client maps to
``/api/2.0/mlflow-artifacts/artifacts/<path>`` on this server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from modelreg.artifacts import ArtifactStore, artifact_store_for, normalize
from modelreg.errors import InvalidParameterValue

SCHEME = "mlflow-artifacts:"


class ArtifactUris:
    """Translate between stored locations under ``artifact_root`` and proxied URIs.

    ``store`` is the artifact store rooted there, which the artifact proxy serves.
    """

    def __init__(self, artifact_root: str) -> None:
        self.store: ArtifactStore = artifact_store_for(artifact_root)
        self.root_uri = self.store.uri("").rstrip("/")
        # Locations are stored as the tracking service builds them: under the root as
        # configured (perhaps a relative path), or under its URI.
        self._prefixes = tuple(
            dict.fromkeys(
                (self.root_uri, self.root_uri.removeprefix("file://"), artifact_root.rstrip("/"))
            )
        )

    def public_uri(self, location: str) -> str:
        """``mlflow-artifacts:/<path>`` for a location under the root; others unchanged."""
        for prefix in self._prefixes:
            if location == prefix:
                return f"{SCHEME}/"
            if location.startswith(prefix + "/"):
                return f"{SCHEME}/{location[len(prefix) + 1 :]}"
        return location

    def location(self, uri: str) -> str:
        """The stored location of a ``mlflow-artifacts:/<path>`` URI; object-store URIs
        unchanged. A folder of the server's own disk outside its artifact root is refused:
        a client must not make the server read or write wherever it likes."""
        if uri.startswith(SCHEME):
            path = normalize(uri[len(SCHEME) :].lstrip("/"), allow_root=True)
            return f"{self.root_uri}/{path}" if path else self.root_uri
        on_disk = urlsplit(uri).scheme in ("", "file")
        if on_disk and (self.public_uri(uri) == uri or ".." in uri.split("/")):
            raise InvalidParameterValue(
                f"Invalid artifact location '{uri}': a folder on the server must be under "
                "its artifact root; use mlflow-artifacts:/<path> or an object store URI."
            )
        return uri
