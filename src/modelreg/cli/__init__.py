"""The ``modelreg`` command line: typer commands that parse input, call the Client and print.

``modelreg --help`` must stay fast, so modules here import only typer, rich and the light
parts of modelreg (entities, errors, config) at the top; ``modelreg.client`` and the SQL store
(SQLAlchemy, Alembic: ~0.4 s to import) are imported inside the commands that use them.
"""
