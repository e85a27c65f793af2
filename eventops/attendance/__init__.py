"""Attendance: the rules (`rules`, pure), the facts they are fed (`facts`), records, finalize, reopen and
overrides (`records`), the recap (`recap`), the downloads (`exports`, `export_pdf`), who is online
(`online`) and the roster-wide search of the records (`lookup`). Interval union lives at the root
(`eventops.intervals`): identity's review queue uses it too, and attendance imports identity (finalize
matches what was never examined), so neither may own it.

May import: `storage`, `catalog`, `roster`, `identity`, `live` and the root's `errors`, `i18n`, `intervals`,
`timeutil`.
"""
