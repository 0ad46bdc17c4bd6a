"""The team record in PostgreSQL (psycopg 3, async pool of one connection per statement).

Same rows and rules as the SQLite engine; forward-only migrations recorded in hub_schema,
applied under an advisory lock so hubs starting together migrate once.
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from app.domain.team_record import RecordKind
from app.hub.team import ROW_COLUMNS, Role, Row, RowDraft, User, row_of, same_row

MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE hub_users (name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
                        created_at DOUBLE PRECISION NOT NULL);
CREATE TABLE hub_rows (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    kind TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    body JSONB NOT NULL
);
CREATE FUNCTION hub_rows_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'rows are append-only'; END $$;
CREATE TRIGGER hub_rows_append_only BEFORE UPDATE OR DELETE ON hub_rows
    FOR EACH ROW EXECUTE FUNCTION hub_rows_append_only();
""",
}
MIGRATION_LOCK = 0x5B0A4D  # pg_advisory_xact_lock key: one migrating hub at a time
NOW = "extract(epoch from clock_timestamp())"


class PostgresTeamRecord:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, url: str) -> PostgresTeamRecord:
        conn = await AsyncConnection.connect(url, autocommit=True)
        await migrate(conn)
        return cls(conn)

    async def add_user(self, name: str, role: Role, hashed: str) -> None:
        await self._conn.execute(
            f"INSERT INTO hub_users VALUES (%s, %s, %s, {NOW}) ON CONFLICT (name) DO UPDATE SET "
            "role = excluded.role, token_hash = excluded.token_hash", (name, role.value, hashed))

    async def user_for(self, hashed: str) -> User | None:
        cursor = await self._conn.execute("SELECT name, role FROM hub_users WHERE token_hash = %s", (hashed,))
        row = await cursor.fetchone()
        return User(row[0], Role(row[1])) if row else None

    async def append(self, author: str, draft: RowDraft) -> tuple[Row, bool]:
        cursor = await self._conn.execute(
            f"INSERT INTO hub_rows (author, created_at, kind, client_id, account_id, call_id, body) "
            f"VALUES (%s, {NOW}, %s, %s, %s, %s, %s) ON CONFLICT (client_id) DO NOTHING RETURNING {ROW_COLUMNS}",
            (author, draft.kind.value, draft.client_id, draft.account_id, draft.call_id, Jsonb(draft.body)))
        inserted = await cursor.fetchone()
        if inserted is not None:
            return _row(inserted), True
        cursor = await self._conn.execute(f"SELECT {ROW_COLUMNS} FROM hub_rows WHERE client_id = %s",
                                          (draft.client_id,))
        existing = await cursor.fetchone()
        assert existing is not None  # rows are never deleted (trigger)
        return same_row(_row(existing), draft), False

    async def rows(self, after: int, kind: RecordKind | None, limit: int) -> list[Row]:
        query = f"SELECT {ROW_COLUMNS} FROM hub_rows WHERE id > %s"
        params: list[Any] = [after]
        if kind is not None:
            query += " AND kind = %s"
            params.append(kind.value)
        cursor = await self._conn.execute(query + " ORDER BY id LIMIT %s", (*params, limit))
        return [_row(values) for values in await cursor.fetchall()]

    async def close(self) -> None:
        await self._conn.close()


def _row(values: Any) -> Row:
    return row_of(tuple(values))  # body comes back from JSONB as a dict already


async def migrate(conn: AsyncConnection[Any]) -> None:
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        await conn.execute("CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL)")
        cursor = await conn.execute("SELECT max(version) FROM hub_schema")
        row = await cursor.fetchone()
        current = (row[0] if row else None) or 0
        for version in sorted(v for v in MIGRATIONS if v > current):
            await conn.execute(MIGRATIONS[version])  # type: ignore[arg-type]  # our own literal SQL
            await conn.execute("INSERT INTO hub_schema VALUES (%s)", (version,))
