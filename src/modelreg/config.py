"""Settings, and the only place that reads the environment (``MODELREG_*``).

The embedded default keeps everything in ``./modelreg-data/`` under the working directory:
``registry.db`` (SQLite) and ``artifacts/`` (run artifacts and the registry's model copies).
Authentication is off there; a server turns it on with ``MODELREG_AUTH=true``. A client finds
its credentials in ``MODELREG_TRACKING_USERNAME``/``_PASSWORD`` or ``_TOKEN``, else in MLflow's
``MLFLOW_TRACKING_*`` names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from modelreg.entities.permissions import Permission
from modelreg.errors import InvalidParameterValue
from modelreg.webhooks.settings import DeliverySettings

TRACKING_URI_ENV = "MODELREG_TRACKING_URI"
ARTIFACT_ROOT_ENV = "MODELREG_ARTIFACT_ROOT"
CACHE_DIR_ENV = "MODELREG_CACHE_DIR"
DATA_DIR_NAME = "modelreg-data"

# -- the server's authentication ---------------------------------------------------------------
AUTH_ENV = "MODELREG_AUTH"
DEFAULT_PERMISSION_ENV = "MODELREG_DEFAULT_PERMISSION"
SECRET_KEY_ENV = "MODELREG_SECRET_KEY"
ADMIN_USERNAME_ENV = "MODELREG_ADMIN_USERNAME"
ADMIN_PASSWORD_ENV = "MODELREG_ADMIN_PASSWORD"

# -- a client's credentials: ours first, then MLflow's ---------------------------------------
USERNAME_ENVS = ("MODELREG_TRACKING_USERNAME", "MLFLOW_TRACKING_USERNAME")
PASSWORD_ENVS = ("MODELREG_TRACKING_PASSWORD", "MLFLOW_TRACKING_PASSWORD")
TOKEN_ENVS = ("MODELREG_TRACKING_TOKEN", "MLFLOW_TRACKING_TOKEN")

# -- the server's recovery of registrations whose process died --------------------------------
PENDING_REGISTRATION_TIMEOUT_ENV = "MODELREG_PENDING_REGISTRATION_TIMEOUT"
DEFAULT_PENDING_REGISTRATION_TIMEOUT = 3600.0

# -- webhook deliveries (seconds) --------------------------------------------------------------
WEBHOOK_TIMEOUT_ENV = "MODELREG_WEBHOOK_TIMEOUT"
WEBHOOK_MAX_AGE_ENV = "MODELREG_WEBHOOK_MAX_AGE"
WEBHOOK_POLL_INTERVAL_ENV = "MODELREG_WEBHOOK_POLL_INTERVAL"

# -- the server's cache of read answers ---------------------------------------------------------
READ_CACHE_MIB_ENV = "MODELREG_READ_CACHE_MIB"
DEFAULT_READ_CACHE_MIB = 64.0

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def default_tracking_uri(cwd: Path | None = None) -> str:
    """The embedded default store: a SQLite file in ``./modelreg-data/``."""
    base = (cwd or Path.cwd()).resolve() / DATA_DIR_NAME
    return f"sqlite:///{base / 'registry.db'}"


def default_artifact_root(tracking_uri: str) -> str:
    """Beside the SQLite file for file-backed stores, else ``./modelreg-data/artifacts``."""
    parts = urlsplit(tracking_uri)
    if parts.scheme == "sqlite" and parts.path not in ("", "/", "/:memory:"):
        # sqlite:///relative.db and sqlite:////absolute.db: the database follows one slash.
        return str(Path(parts.path[1:]).resolve().parent / "artifacts")
    if parts.scheme in ("", "file"):
        return str(Path(parts.path or tracking_uri).resolve() / "artifacts")
    return str(Path.cwd().resolve() / DATA_DIR_NAME / "artifacts")


def parse_flag(name: str, value: str | None) -> bool:
    """A yes/no setting: ``true``/``1``/``yes``/``on`` or ``false``/``0``/``no``/``off``."""
    text = (value or "").strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise InvalidParameterValue(f"Invalid value {value!r} for {name}: expected true or false.")


def parse_seconds(name: str, value: str | None, default: float) -> float:
    """A positive duration in seconds (``default`` when unset)."""
    return _parse_number(name, value, default, "a positive number of seconds", zero=False)


def parse_mebibytes(name: str, value: str | None, default: float) -> float:
    """A size in MiB, zero or more (``default`` when unset)."""
    return _parse_number(name, value, default, "a size in MiB (0 or more)", zero=True)


def _parse_number(
    name: str, value: str | None, default: float, expected: str, *, zero: bool
) -> float:
    """A finite number from ``value`` above 0 (or 0 too, with ``zero``)."""
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    in_range = number >= 0 if zero else number > 0
    if not (in_range and number < float("inf")):  # NaN fails both
        raise InvalidParameterValue(f"Invalid value {value!r} for {name}: expected {expected}.")
    return number


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    return parse_seconds(name, env.get(name), default)


def _first(env: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    return next((env[name] for name in names if env.get(name)), None)


@dataclass(frozen=True)
class Credentials:
    """How a client proves who it is to a server: a user's password, or an API token."""

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Settings:
    """Where the registry lives (its database, its artifact root, the local model cache), how
    a server authenticates (``auth`` and the fields after it), and a client's credentials.

    Secrets are left out of ``repr``, so settings can be logged.
    """

    tracking_uri: str
    artifact_root: str
    cache_dir: Path
    #: Whether the server requires users to log in (off: the single-user embedded mode).
    auth: bool = False
    #: The permission a user holds on a model or experiment without an explicit grant.
    default_permission: Permission = Permission.READ
    #: Signs the UI's session cookies (a random key per process when None).
    secret_key: str | None = field(default=None, repr=False)
    #: An administrator the server creates at start if no user has this name.
    admin_username: str | None = None
    admin_password: str | None = field(default=None, repr=False)
    tracking_username: str | None = None
    tracking_password: str | None = field(default=None, repr=False)
    tracking_token: str | None = field(default=None, repr=False)
    #: Seconds a PENDING_REGISTRATION version may go without its copying process renewing
    #: its lease before the server marks it FAILED_REGISTRATION (that process died).
    pending_registration_timeout: float = DEFAULT_PENDING_REGISTRATION_TIMEOUT
    #: A webhook receiver's time to answer, how long a delivery is retried, and how often the
    #: delivery workers look for due deliveries.
    webhook_timeout: float = DeliverySettings.timeout
    webhook_max_age: float = DeliverySettings.max_age
    webhook_poll_interval: float = DeliverySettings.poll_interval
    #: How much memory (MiB, per server process) the answers of registry reads may keep;
    #: 0 turns the cache off.
    read_cache_mib: float = DEFAULT_READ_CACHE_MIB

    def __post_init__(self) -> None:
        # Settings may come back from JSON (the serving workers), with the permission a string.
        object.__setattr__(
            self, "default_permission", Permission.parse(str(self.default_permission))
        )

    @property
    def webhook_delivery(self) -> DeliverySettings:
        """How the server's workers time webhook deliveries."""
        return DeliverySettings(
            poll_interval=self.webhook_poll_interval,
            timeout=self.webhook_timeout,
            max_age=self.webhook_max_age,
        )

    @property
    def credentials(self) -> Credentials:
        """What a client sends a server to authenticate."""
        return Credentials(self.tracking_username, self.tracking_password, self.tracking_token)

    @classmethod
    def resolve(
        cls,
        tracking_uri: str | None = None,
        environ: Mapping[str, str] | None = None,
        *,
        artifact_root: str | None = None,
    ) -> Settings:
        """Each setting from the argument if given, else the environment, else the default.

        ``tracking_uri``: ``$MODELREG_TRACKING_URI``, else the embedded ``./modelreg-data``;
        ``artifact_root``: ``$MODELREG_ARTIFACT_ROOT``, else beside the SQLite file;
        the model cache: ``$MODELREG_CACHE_DIR``, else ``~/.cache/modelreg``;
        authentication: ``$MODELREG_AUTH`` (off by default), ``$MODELREG_DEFAULT_PERMISSION``
        (READ), ``$MODELREG_SECRET_KEY``, ``$MODELREG_ADMIN_USERNAME``/``_PASSWORD``;
        a client's credentials: ``$MODELREG_TRACKING_USERNAME``/``_PASSWORD`` or
        ``$MODELREG_TRACKING_TOKEN``, else the same ``MLFLOW_TRACKING_*`` names;
        ``$MODELREG_PENDING_REGISTRATION_TIMEOUT`` (seconds, 3600 by default);
        webhook deliveries: ``$MODELREG_WEBHOOK_TIMEOUT`` (10 s), ``$MODELREG_WEBHOOK_MAX_AGE``
        (retried for 24 h) and ``$MODELREG_WEBHOOK_POLL_INTERVAL`` (0.5 s);
        the server's cache of read answers: ``$MODELREG_READ_CACHE_MIB`` (64; 0 turns it off).
        """
        env = os.environ if environ is None else environ
        uri = tracking_uri or env.get(TRACKING_URI_ENV) or default_tracking_uri()
        return cls(
            tracking_uri=uri,
            artifact_root=artifact_root or env.get(ARTIFACT_ROOT_ENV) or default_artifact_root(uri),
            cache_dir=Path(env.get(CACHE_DIR_ENV) or Path.home() / ".cache" / "modelreg"),
            auth=parse_flag(AUTH_ENV, env.get(AUTH_ENV)),
            default_permission=Permission.parse(env.get(DEFAULT_PERMISSION_ENV) or "READ"),
            secret_key=env.get(SECRET_KEY_ENV) or None,
            admin_username=env.get(ADMIN_USERNAME_ENV) or None,
            admin_password=env.get(ADMIN_PASSWORD_ENV) or None,
            tracking_username=_first(env, USERNAME_ENVS),
            tracking_password=_first(env, PASSWORD_ENVS),
            tracking_token=_first(env, TOKEN_ENVS),
            pending_registration_timeout=parse_seconds(
                PENDING_REGISTRATION_TIMEOUT_ENV,
                env.get(PENDING_REGISTRATION_TIMEOUT_ENV),
                DEFAULT_PENDING_REGISTRATION_TIMEOUT,
            ),
            webhook_timeout=_seconds(env, WEBHOOK_TIMEOUT_ENV, DeliverySettings.timeout),
            webhook_max_age=_seconds(env, WEBHOOK_MAX_AGE_ENV, DeliverySettings.max_age),
            webhook_poll_interval=_seconds(
                env, WEBHOOK_POLL_INTERVAL_ENV, DeliverySettings.poll_interval
            ),
            read_cache_mib=parse_mebibytes(
                READ_CACHE_MIB_ENV, env.get(READ_CACHE_MIB_ENV), DEFAULT_READ_CACHE_MIB
            ),
        )
