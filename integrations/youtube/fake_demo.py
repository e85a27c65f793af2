"""The demo broadcast the standalone fake serves: three hours of viewers and chat, live from now."""

from __future__ import annotations

import random
from datetime import timedelta

from integrations.youtube.fake_state import FakeYouTubeState, utc_now


def demo_state(api_key: str, video_id: str = "eventopsDemoK1", *, seed: int = 2023) -> FakeYouTubeState:
    """A three-hour broadcast live from now: viewers rising and falling, answers and noise in the chat."""
    state = FakeYouTubeState(api_key=api_key, quota_limit=10_000_000)
    now = utc_now().replace(microsecond=0)
    start = now - timedelta(seconds=30)
    curve = [(start, 40), (start + timedelta(minutes=10), 2900), (start + timedelta(minutes=90), 3120)]
    curve += [(start + timedelta(minutes=170), 2400), (start + timedelta(minutes=180), 150)]
    b = state.add_broadcast(
        video_id,
        scheduled_start=start,
        actual_start=start,
        title="Literasi Digital ASN Bali — Kelompok 1",
        viewer_curve=curve,
    )
    rng = random.Random(seed)
    names = ["Made Sudarma", "Ni Luh Putu Ayu", "Kadek Wirawan", "Hj. Siti Aminah", "Budi 🙏", "Komang"]
    texts = ["Selamat pagi dari Dinkes Badung", "suara putus-putus", '<script>alert("x")</script>', "👍👍"]
    for minute in range(0, 180, 2):
        at = now + timedelta(minutes=minute, seconds=rng.randint(0, 119))
        who = rng.choice(names)
        b.say(at, who, f"HADIR 4821 {_demo_nip(rng)}" if minute % 3 else rng.choice(texts))
    b.end(start + timedelta(hours=3))
    return state


def _demo_nip(rng: random.Random) -> str:
    """A well-formed NIP: birth date, appointment month, sex digit, serial (DOMAIN.md)."""
    born = f"{rng.randint(1965, 1999)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    appointed = f"{rng.randint(2005, 2022)}{rng.randint(1, 12):02d}"
    return f"{born}{appointed}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
