"""Royalty-free stock images and footage: query writing, ranking, licences, caching and rate limits.

The provider adapters (:mod:`tools.clips.pexels`, :mod:`tools.clips.pixabay`, :mod:`tools.clips.openverse`)
build on :class:`tools.stock.provider.StockProvider`; everything here is usable without the agent.
"""

from reelforge.tools.stock.licence import credits_for
from reelforge.tools.stock.query import query_variants, shot_query
from reelforge.tools.stock.rank import Candidate, Want, rank

__all__ = ["Candidate", "Want", "credits_for", "query_variants", "rank", "shot_query"]
