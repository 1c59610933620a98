"""Alembic migrations of the registry schema (run by ``cybernorms init``)."""
