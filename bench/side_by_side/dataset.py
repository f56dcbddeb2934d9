"""The readings every system is loaded with, defined once.

INPUTS inputs sen0000…sen0099, per_input readings each, one a second from
2025-01-01T00:00:00Z, plus one big input (sen0100) with big readings for the
whole-range statistics of W4. A value is a seeded random walk in steps of
0.01 (a slowly drifting sensor), so every system gets the very same numbers,
written with two decimals.
"""
import datetime
import functools
import itertools
import random

START = 1735689600  # 2025-01-01T00:00:00Z
INPUTS = 100
BATCH = 5000
CONNECTIONS = 4
BIG_INDEX = INPUTS  # sen0100
_STEPS = range(-10, 11)


def input_id(index):
    return f"sen{index:04d}"


class _Texts(dict):
    """Centi-units to their two-decimal text, computed once per value."""

    def __missing__(self, centi):
        text = self[centi] = f"{centi / 100:.2f}"
        return text


_TEXTS = _Texts()


class ValueWalk:
    """The values of one input, chunk after chunk, in timestamp order."""

    def __init__(self, index):
        self._rng = random.Random(1000 + index)
        self._centi = 2000 + 10 * (index % 50)

    def next_chunk(self, n):
        centis = list(itertools.accumulate(self._rng.choices(_STEPS, k=n), initial=self._centi))
        self._centi = centis[-1]
        return [_TEXTS[c] for c in centis[1:]]


def batches(per_input):
    """(input index, first second, count) of each main batch, in send order:
    time-major (the first 5,000 seconds of every input, then the next), as a
    fleet of devices uploading in time would; batch b goes to connection
    b % CONNECTIONS."""
    size = min(BATCH, per_input)
    for first in range(0, per_input, size):
        for index in range(INPUTS):
            yield index, first, min(size, per_input - first)


def big_batches(big):
    size = min(BATCH, big)
    for first in range(0, big, size):
        yield BIG_INDEX, first, min(size, big - first)


_HMS = [f"{h:02d}:{m:02d}:{s:02d}" for h, m, s in itertools.product(range(24), range(60), range(60))]


def day_text(second):
    """YYYY-MM-DD of START + second (UTC)."""
    return (datetime.datetime(2025, 1, 1) + datetime.timedelta(days=second // 86400)).strftime("%Y-%m-%d")


@functools.lru_cache(maxsize=8)
def times(first, count, sep, zone):
    """Timestamps START+first … START+first+count-1 as text, e.g.
    '2025-01-01T00:00:00Z' (sep 'T', zone 'Z'). Cached: consecutive
    batches of different inputs share their seconds."""
    out = []
    second = first
    end = first + count
    while second < end:
        day = day_text(second)
        day_end = min(end, (second // 86400 + 1) * 86400)
        prefix = day + sep
        out.extend(prefix + _HMS[s % 86400] + zone for s in range(second, day_end))
        second = day_end
    return out
