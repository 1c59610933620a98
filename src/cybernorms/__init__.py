"""cybernorms: the regime of responsible state behaviour in cyberspace as verifiable code.

The core (``model``, ``rules``, ``engine``) knows nothing of files beyond parsing, databases,
HTTP or the command line; outer packages (``ingest``, ``store``, ``cli``) depend on it, never
the reverse.
"""

__version__ = "0.1.0"
