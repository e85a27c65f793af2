"""Identity: who an online connection is. Name normalisation (`names`, `spelling`, `digits`, `lexicon`),
scoring and the match cascade (`scoring`, `word_blocks`, `rivals`, `matching`, its vocabulary `verdicts`) are
pure; `exact` matches registrant ids, emails and NIPs at ingest; `review` runs the cascade over stored
connections with the batch's presence (`review_evidence`); `review_queue` is what moderators see,
`review_decisions` and `review_bulk` what they decide; `states` names the review states a connection goes
through.

May import: `storage`, `live`, `roster` (NIPs) and the root's `errors`, `intervals`, `timeutil`.
"""
