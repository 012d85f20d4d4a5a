"""Clip providers: one module per provider behind the protocol in :mod:`tools.clips.base`."""
