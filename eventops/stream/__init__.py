"""The YouTube live stream: the polling supervisor (`supervisor`), one batch's job and its rounds (`job`,
`rounds`), what they store (`store`), checkpoints and the public form (`checkpoints`), chat codes
(`chat_codes`). The client and its fake server live in `integrations.youtube`.

May import: `storage`, `live`, `roster` (NIPs), `integrations.youtube` and the root's `errors`, `keys`,
`settings`, `timeutil`.
"""
