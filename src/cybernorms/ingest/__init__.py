"""Bringing incidents in: our own JSON/YAML files, EuRepoC CSV, (later) STIX 2.1."""
