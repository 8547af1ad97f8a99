"""Turn any model URI the loaders accept into a local folder holding the model's files.

Local folders and ``file://`` URIs are used where they are, without opening a registry;
``models:/``, ``runs:/`` and ``s3://`` go through the current registry (see ``fluent``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from modelreg import fluent
from modelreg.errors import ResourceNotFound
from modelreg.uris import scheme_of


def local_model_dir(model_uri: str, dst_path: str | None = None) -> Path:
    """A local folder with the files of the model at ``model_uri``.

    ``dst_path`` is where a remote model is downloaded to (the model cache by default).
    """
    scheme = scheme_of(model_uri)
    if scheme in ("", "file:") and dst_path is None:
        path = Path(unquote(urlparse(model_uri).path) if scheme else model_uri)
        if not path.is_dir():
            raise ResourceNotFound(f"No model folder at '{model_uri}'.")
        return path
    return fluent.download_model(model_uri, dst_path)
