"""What operators of a server need: request ids, JSON logs, Prometheus metrics, health checks."""
