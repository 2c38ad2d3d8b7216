"""Persistence of creditbot: SQLModel tables, engine, migrations, repositories, outbox."""
