"""Storage: the tables (`models`), the async engine and UTC column type (`db`), the schema migrations and
the database health check (`health`), and text the databases can store (`text`).

May import: the root's `timeutil` and `errors`. Imports no service, and nothing from `web`.
"""
