"""modelreg's own REST endpoints (``/api/2.0/modelreg/...``), for what MLflow's API lacks."""

PREFIX = "/api/2.0/modelreg"
