"""Identity: who an online connection is. Name normalisation (`names`, `lexicon`), scoring and the match
cascade (`scoring`, `word_blocks`, `matching`) are pure; `exact` matches registrant ids, emails and NIPs at
ingest; `review` runs the cascade over stored connections; `review_queue` is what moderators decide;
`states` names the review states a connection goes through.

May import: `storage`, `live`, `roster` (NIPs) and the root's `errors`, `intervals`, `timeutil`.
"""
