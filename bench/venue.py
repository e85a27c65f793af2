"""Who of a batch is in the ballroom and who is on Zoom, as a hybrid batch runs (DOMAIN.md: a few hundred
people in a hotel ballroom, the rest on a Zoom webinar and a YouTube live stream).

The roster says where each person is expected (`mode`). Most venue participants check in at the door; some
of them also join Zoom (a laptop for the slides, a colleague's account); some never come and join Zoom
instead. A few online participants come to the hotel after all. Everyone else expected online mostly joins
Zoom; the rest watch YouTube or do not attend. The rates are the bench's assumptions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bench.namegen import Person

VENUE_SEATS = (250, 450)  # a ballroom: a few hundred seats of a 2,000-5,500 batch
VENUE_CHECK_IN = 0.92  # venue participants who come and check in
VENUE_ALSO_ZOOM = 0.10  # ... of those, also on Zoom (hybrid)
VENUE_ZOOM_INSTEAD = 0.50  # venue participants who do not come and join Zoom instead
ONLINE_CAME = 0.01  # online participants who come to the hotel and check in
ONLINE_CAME_ALSO_ZOOM = 0.40  # ... and are on Zoom as well
ONLINE_ZOOM = 0.90  # online participants who join Zoom (the rest: YouTube, or absent)


@dataclass(frozen=True, slots=True)
class Day:
    """The batch as it ran: who was expected at the venue, who checked in there, who joined Zoom."""

    venue: frozenset[int]
    checked_in: frozenset[int]
    joining: list[Person]  # each once; `make_cases` adds second devices


def run_day(rng: random.Random, roster: Sequence[Person]) -> Day:
    """Draw the batch's day from the rates above."""
    seats = min(len(roster) // 10, rng.randint(*VENUE_SEATS))
    venue = {p.participant_id for p in rng.sample(list(roster), seats)}
    checked_in: set[int] = set()
    joining: list[Person] = []
    for p in roster:
        if p.participant_id in venue:
            if rng.random() < VENUE_CHECK_IN:
                checked_in.add(p.participant_id)
                if rng.random() < VENUE_ALSO_ZOOM:
                    joining.append(p)
            elif rng.random() < VENUE_ZOOM_INSTEAD:
                joining.append(p)
        elif rng.random() < ONLINE_CAME:
            checked_in.add(p.participant_id)
            if rng.random() < ONLINE_CAME_ALSO_ZOOM:
                joining.append(p)
        elif rng.random() < ONLINE_ZOOM:
            joining.append(p)
    return Day(frozenset(venue), frozenset(checked_in), joining)


def describe(day: Day) -> str:
    """One line of what the day was."""
    hybrid = sum(1 for p in day.joining if p.participant_id in day.checked_in)
    return (
        f"venue: {len(day.venue)} expected, {len(day.checked_in)} checked in, {hybrid} of them also on Zoom;"
        f" {len(day.joining)} people on Zoom"
    )
