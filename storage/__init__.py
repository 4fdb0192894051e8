"""Storage: SQLAlchemy models and the queries for each aggregate. Only this package writes SQL."""
