"""Storage: SQLAlchemy models, the database connection and the bundled data files."""
