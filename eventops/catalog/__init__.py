"""The catalog: events and their batches (`events`), the frame every other capability hangs its data on.

May import: `storage` and the root's `errors`, `timeutil`.
"""
