"""One module per graph node; each exposes a ``make_<node>(...)`` factory returning the node function."""
