"""The roster: reading roster files (`reading`), validating their rows (`validation`) with the codes of their
problems (`issues`), NIPs (`nip`), the import (`importer`), participant search (`participants`), passes and
their rendering (`passes`, `render`).

May import: `storage`, `catalog` and the root's `errors`, `i18n`, `timeutil`.
"""
