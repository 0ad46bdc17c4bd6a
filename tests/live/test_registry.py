from __future__ import annotations

from app.live.registry import CallRegistry, RegistryChange, Rows
from tests.live.calls import make_call


def recorded(registry: CallRegistry) -> list[RegistryChange]:
    changes: list[RegistryChange] = []
    registry.events.changed.connect(changes.append)
    return changes


def row_events(registry: CallRegistry) -> list[tuple[str, Rows, int]]:
    """Each row event with how many calls the registry held when it came (before or after the change)."""
    seen: list[tuple[str, Rows, int]] = []
    events = registry.events
    for name, event in (("inserting", events.inserting), ("inserted", events.inserted),
                        ("removing", events.removing), ("removed", events.removed)):
        event.connect(lambda rows, name=name: seen.append((name, rows, len(registry))))
    return seen


def test_inserts_are_announced_before_and_after_as_one_run():
    registry = CallRegistry()
    registry.merge([make_call("a")])
    seen = row_events(registry)
    registry.merge([make_call("b"), make_call("a", updated=3), make_call("c")])
    assert seen == [("inserting", Rows(1, 2, ("b", "c")), 1), ("inserted", Rows(1, 2, ("b", "c")), 3)]
    assert registry.row_of("c") == 2 and registry.at(1).id == "b"


def test_contiguous_removals_are_one_run_highest_first():
    registry = CallRegistry()
    registry.merge([make_call(i) for i in "abcdef"])
    seen = row_events(registry)
    registry.remove(["b", "c", "e", "zz"])
    assert seen == [
        ("removing", Rows(4, 4, ("e",)), 6), ("removed", Rows(4, 4, ("e",)), 5),
        ("removing", Rows(1, 2, ("b", "c")), 5), ("removed", Rows(1, 2, ("b", "c")), 3),
    ]
    assert registry.ids() == ["a", "d", "f"]
    assert [registry.row_of(i) for i in "adf"] == [0, 1, 2]


def test_merge_inserts_new_calls_in_arrival_order():
    registry = CallRegistry()
    changes = recorded(registry)
    registry.merge([make_call("a"), make_call("b")])
    registry.merge([make_call("c")])
    assert registry.ids() == ["a", "b", "c"]
    assert [c.inserted for c in changes] == [("a", "b"), ("c",)]
    assert registry.ids().index("c") == 2


def test_newer_copy_replaces_older_and_reports_only_that_id():
    registry = CallRegistry()
    registry.merge([make_call("a"), make_call("b")])
    changes = recorded(registry)
    change = registry.merge([make_call("a", updated=5, status="ended"), make_call("b")])
    assert change.changed == ("a",)
    assert change.inserted == ()
    assert registry.get("a").status == "ended"
    assert changes == [change]


def test_a_batch_repeating_an_id_reports_it_once():
    registry = CallRegistry()
    registry.merge([make_call("a")])
    change = registry.merge([make_call("b"), make_call("b", updated=2), make_call("a", updated=3), make_call("a", updated=4)])
    assert change == RegistryChange(inserted=("b",), changed=("a",))
    assert registry.get("b").updated_at == make_call("b", updated=2).updated_at


def test_older_copy_never_overwrites_newer_one():
    registry = CallRegistry()
    registry.merge([make_call("a", updated=10, status="ended")])
    changes = recorded(registry)
    change = registry.merge([make_call("a", updated=3, status="in-progress")])
    assert not change
    assert registry.get("a").status == "ended"
    assert changes == []


def test_identical_copy_is_not_a_change():
    registry = CallRegistry()
    registry.merge([make_call("a", updated=1)])
    assert not registry.merge([make_call("a", updated=1)])


def test_remove_reports_ids_and_reindexes():
    registry = CallRegistry()
    registry.merge([make_call(i) for i in "abcd"])
    changes = recorded(registry)
    registry.remove(["c", "a", "zz"])
    assert changes[-1].removed == ("a", "c")
    assert registry.ids() == ["b", "d"]
    assert registry.ids().index("d") == 1
    assert registry.live_ids() == ["b", "d"]


def test_a_failing_listener_does_not_stop_the_others():
    registry = CallRegistry()
    seen: list[RegistryChange] = []

    def broken(_change: RegistryChange) -> None:
        raise ValueError("boom")

    registry.events.changed.connect(broken)
    registry.events.changed.connect(seen.append)
    registry.merge([make_call("a")])
    assert len(seen) == 1


def test_unsubscribe_stops_events():
    registry = CallRegistry()
    seen: list[RegistryChange] = []
    unsubscribe = registry.events.changed.connect(seen.append)
    unsubscribe()
    registry.merge([make_call("a")])
    assert seen == []


def test_live_calls_are_counted_as_they_start_end_and_leave():
    registry = CallRegistry()
    registry.merge([make_call("a"), make_call("b"), make_call("c", status="ended")])
    assert registry.live_count() == 2 and registry.live_ids() == ["a", "b"]
    registry.merge([make_call("a", updated=1, status="ended")])
    registry.remove(["b"])
    assert registry.live_count() == 0 and registry.live_ids() == []
