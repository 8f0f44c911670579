"""The database and what is kept on disk: the DATA_FORMAT.md tables as a
``Dataset`` (``schema``), their SQLAlchemy models and Alembic migrations, engines and
sessions (``db``), reading and writing a whole dataset (``store``), and the frames
snapshot a restarted worker loads instead of the database (``snapshot``).

May import: ``dashboard.metrics`` (the snapshot holds prepared frames). Never Dash or Flask.
"""
