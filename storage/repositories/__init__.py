"""Repositories: rows in, domain objects out. They never commit (the unit of work does)."""
