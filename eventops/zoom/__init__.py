"""Zoom inside eventops: webhook ingest (`ingest`), participant sessions (`sessions`), report sync (`sync`),
registrants and personal join links (`registrants`), and the app's client, inbox and worker (`worker`).
The client, its models and its fake server live in `integrations.zoom`, which knows nothing of eventops.

May import: `storage`, `live`, `identity` (exact matching at ingest), `integrations.zoom` and the root's
`errors`, `keys`, `settings`, `timeutil`.
"""
