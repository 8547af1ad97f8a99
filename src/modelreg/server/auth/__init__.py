"""Authentication of the server: who sends each request, and the routes that manage it.

``install.install_auth`` adds it to an app built with ``MODELREG_AUTH`` on: the middleware that
authenticates every request (HTTP basic, bearer tokens, the UI's session cookie) and binds its
principal, MLflow's user and permission endpoints, and ours for API tokens.
"""
