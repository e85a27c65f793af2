"""Live updates: the per-batch change hub and its stream across processes (`hub`; LISTEN/NOTIFY).

May import: nothing of eventops (services import it to publish their changes).
"""
