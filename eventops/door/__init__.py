"""The door: pass scans and manual check-in (`scans`, and `scans_pg` for PostgreSQL's one-statement path),
their statements (`sql`), the result rules (`rules`: one ordered table, for Python and SQL), the answers and
result codes (`answers`), walk-ins (`walkins`) and what the door sees of a batch (`reports`).

May import: `storage`, `live`, `catalog`, `roster` and the root's `errors`, `i18n`, `timeutil`.
"""
