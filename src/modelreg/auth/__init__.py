"""Users, their passwords and API tokens, and their permissions on models and experiments.

The modules are imported one by one (this package imports none of them), so the store can
use the entities and errors without loading the services that sit above it.
"""
