"""Tasks the window starts are kept and their errors surface (issue 11, item 15)."""

from __future__ import annotations

import asyncio
import gc
import re
import sys
from pathlib import Path

from app.ui.tasks import OwnedTasks


def test_a_started_task_is_kept_until_it_ends_and_its_error_is_reported(run_async, monkeypatch):
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: reported.append(error))
    tasks = OwnedTasks()

    async def fails() -> None:
        await asyncio.sleep(0.01)
        raise ValueError("the listen socket said no")

    async def scenario() -> None:
        task = tasks.start(fails())
        del task
        gc.collect()  # asyncio keeps only weak references: an unowned task may vanish here
        assert len(tasks) == 1
        await asyncio.sleep(0.05)

    run_async(scenario())
    assert [str(e) for e in reported] == ["the listen socket said no"]
    assert len(tasks) == 0


def test_cancelled_tasks_are_not_errors_and_close_cancels_what_runs(run_async, monkeypatch):
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: reported.append(error))
    tasks = OwnedTasks()

    async def scenario() -> asyncio.Task[None]:
        task = tasks.start(asyncio.sleep(30))
        await asyncio.sleep(0)
        await tasks.aclose()
        return task

    assert run_async(scenario()).cancelled()
    assert reported == [] and len(tasks) == 0


def test_no_window_code_drops_a_task():
    """Every task the UI starts goes through OwnedTasks (asyncSlot tasks report their own errors)."""
    ui = Path(__file__).parents[2] / "app" / "ui"
    offenders = [f"{path.name}:{n}" for path in sorted(ui.glob("*.py")) if path.name != "tasks.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if re.search(r"\b(ensure_future|create_task)\(", line)]
    assert offenders == []
