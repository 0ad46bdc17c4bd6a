"""The team board's memory: rows kept once, in id order however they arrive, the oldest dropped first."""

from __future__ import annotations

from app.domain import Account, Provider
from app.domain.team_record import RecordKind
from app.live import team_board
from app.live.hub_client import TeamRecordClient
from app.live.team_board import TeamBoard

ACCOUNT = Account(id="local-id", name="Vapi", provider=Provider.VAPI, base_url="https://api.vapi.ai")


def row(row_id: int) -> dict:
    return {"id": row_id, "author": "ann", "created_at": 1.0, "kind": "audit",
            "account_id": "vapi:https://api.vapi.ai", "call_id": "call-1", "body": {}}


async def test_rows_stay_in_id_order_and_the_oldest_go_when_the_board_is_full(tmp_path, monkeypatch):
    monkeypatch.setattr(team_board, "MAX_ROWS", 4)
    board = TeamBoard(TeamRecordClient("http://127.0.0.1:9", "token", tmp_path / "queue.json"), ACCOUNT)
    told: list[list[int]] = []
    board.events.rows.connect(lambda rows: told.append([r.id for r in rows]))
    # The stream's first rows, then older ones (read meanwhile), one again, a bad one, a newer one.
    for data in (row(7), row(8), row(1), row(2), row(3), row(7), row(4), row(5), {"id": "x"}, row(9)):
        board.add(data)
    assert [r.id for r in board.rows(RecordKind.AUDIT)] == [5, 7, 8, 9]
    assert told == [[7], [8], [1], [2], [3], [4], [5], [9]]
    await board.aclose()
