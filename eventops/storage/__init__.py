"""Storage: the tables (`models`), the async engine and UTC column type (`db`), the schema migrations, the
database health check (`health`) and statements over many values in chunks both databases accept (`chunks`).

May import: the root's `timeutil` and `errors`. Imports no service, and nothing from `web`.
"""
