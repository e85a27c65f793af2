"""Storage: the tables (`models`), the async engine and UTC column type (`db`), the schema migrations, the
database health check (`health`), statements over many values in chunks both databases accept (`chunks`) and
text the databases can store (`text`).

May import: the root's `timeutil` and `errors`. Imports no service, and nothing from `web`.
"""
