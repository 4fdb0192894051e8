"""Write rows to the warehouse table."""


def batches(rows, size=500):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def insert_statement(table: str, columns: list[str]) -> str:
    placeholders = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) ON CONFLICT DO NOTHING RETURNING id"
