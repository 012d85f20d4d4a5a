"""Map caption words onto the word units a speech engine reports (which may merge or split words)."""

from __future__ import annotations

import math

from reelforge.tools.production import WordTiming
from reelforge.tools.voice.text import word_weight

Span = tuple[float, float]
# (text words, engine units) a step may consume; 1:1 is preferred, merges cost a little extra.
_MOVES = ((1, 1, 0.0), (2, 1, 0.35), (3, 1, 0.6), (1, 2, 0.35), (1, 3, 0.6))


def map_words(words: list[str], spans: list[Span]) -> list[WordTiming]:
    """Give each caption word a start/end from engine word spans (seconds), monotonic and non-overlapping.

    Counts may differ (espeak merges "in the" into one unit, splits some compounds): a small dynamic
    programme matches word lengths to span durations; merged spans are shared by letter count.
    """
    if not words:
        return []
    if not spans:
        raise ValueError("no speech found to align the words to")
    if len(words) == len(spans):
        return [WordTiming(word=w, start=round(s, 3), end=round(e, 3)) for w, (s, e) in zip(words, spans, strict=True)]
    weights = [word_weight(w) for w in words]
    rate = sum(max(e - s, 1e-3) for s, e in spans) / sum(weights)
    n, m = len(words), len(spans)
    inf = math.inf
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for dw, ds, penalty in _MOVES:
                ni, nj = i + dw, j + ds
                if ni > n or nj > m:
                    continue
                expected = sum(weights[i:ni]) * rate
                got = sum(max(e - s, 1e-3) for s, e in spans[j:nj])
                c = cost[i][j] + abs(math.log(got / expected)) + penalty
                if c < cost[ni][nj]:
                    cost[ni][nj], back[ni][nj] = c, (i, j)
    if cost[n][m] == inf:  # wildly different counts: spread words over the whole speech span
        return spread(words, weights, spans[0][0], spans[-1][1])
    out: list[WordTiming] = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[i][j]  # type: ignore[misc]
        seg = spread(words[pi:i], weights[pi:i], spans[pj][0], spans[j - 1][1])
        out[:0] = seg
        i, j = pi, pj
    return out


def spread(words: list[str], weights: list[int], start: float, end: float) -> list[WordTiming]:
    """Share ``start..end`` among ``words`` in proportion to their weights."""
    total = sum(weights)
    out, t = [], start
    for w, wt in zip(words, weights, strict=True):
        nxt = t + (end - start) * wt / total
        out.append(WordTiming(word=w, start=round(t, 3), end=round(nxt, 3)))
        t = nxt
    return out
