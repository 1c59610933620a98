"""Verdicts out, in the formats other tools read (``stix``: STIX 2.1 bundles)."""
