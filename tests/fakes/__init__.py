"""Loopback fake servers for every outside service the project talks to."""
