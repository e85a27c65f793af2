"""Where an online connection's identity stands: `online_sessions.review_state`, one value per row."""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class ReviewState(StrEnum):
    """The review state of a Zoom connection; the values are stored, so they never change."""

    PENDING = "pending"  # no participant yet: not decided by the matcher, or waiting in the review queue
    # Matched by a rule, with no person involved: the ingest's exact rules (registrant id, email, NIP in the
    # name) or the matcher's cascade (including an alias a moderator left earlier); `match_method` says which.
    MATCHED = "matched"
    RESOLVED = "resolved"  # a moderator named the participant in the review queue
    DISMISSED = "dismissed"  # a moderator decided the connection is nobody on the roster
