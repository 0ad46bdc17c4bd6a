"""The listen socket's transcript merged with polling: no duplicates, no lost turns, in any order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import Turn, TurnRole
from app.live.call_changes import CallChange, CallChangeFeed
from app.live.listen_events import SpeechUpdate, TranscriptEvent
from app.live.registry import CallRegistry
from app.live.transcript_events import LiveTranscript, SocketLine, merge_turns, same_line
from tests.live.calls import make_call

C, A = TurnRole.CUSTOMER, TurnRole.ASSISTANT
WORDS = ["yes", "no", "I would like to book a table", "for two at seven", "anything else", "thank you",
         "let me check", "that is all"]


def spoken(turns) -> list[tuple[TurnRole, str]]:
    return [(t.role, t.text) for t in turns if not t.partial and t.role in (C, A)]


def polled_wording(text: str) -> str:
    """How the platform's log may word the same line: other case and punctuation."""
    return text.capitalize() + "."


def test_same_line_ignores_case_punctuation_and_small_differences() -> None:
    assert same_line("I'd like to book a table.", "i'd like to book a table")
    assert not same_line("yes", "no")


def test_socket_lines_polling_has_not_brought_follow_the_polled_ones() -> None:
    polled = (Turn(role=TurnRole.SYSTEM, text="You are Ava."), Turn(role=A, text="Hello, Ava here."))
    lines = [SocketLine(A, "hello ava here", 1.0), SocketLine(C, "I need a table", 2.0),
             SocketLine(A, "For how many", 3.0, final=False)]
    merged = merge_turns(polled, lines)
    assert [(t.role, t.text, t.partial) for t in merged] == [
        (TurnRole.SYSTEM, "You are Ava.", False), (A, "Hello, Ava here.", False), (C, "I need a table", False),
        (A, "For how many", True)]
    assert merge_turns(merged, lines) == merged  # idempotent


def test_a_polled_line_holding_two_socket_lines_is_not_doubled() -> None:
    polled = (Turn(role=A, text="Hello. How can I help?"),)
    lines = [SocketLine(A, "Hello.", 1.0), SocketLine(A, "How can I help?", 2.0)]
    assert spoken(merge_turns(polled, lines)) == [(A, "Hello. How can I help?")]


def test_the_final_line_replaces_the_partial_and_polls_keep_it() -> None:
    registry = CallRegistry()
    registry.merge([make_call("c", turns=(Turn(role=A, text="Hi."),))])
    live = LiveTranscript(registry, "c", clock=lambda: 1.0)
    live.apply(TranscriptEvent(C, "I want", final=False))
    assert [(t.text, t.partial) for t in registry.get("c").turns] == [("Hi.", False), ("I want", True)]
    live.apply(TranscriptEvent(C, "I want a table", final=False))
    live.apply(SpeechUpdate(C, "stopped"))
    assert [(t.text, t.partial) for t in registry.get("c").turns] == [("Hi.", False), ("I want a table", True)]
    live.apply(TranscriptEvent(C, "I want a table.", final=True))
    assert [(t.text, t.partial) for t in registry.get("c").turns] == [("Hi.", False), ("I want a table.", False)]
    registry.merge([make_call("c", updated=5, turns=(Turn(role=A, text="Hi."),))])  # a poll behind the socket
    assert spoken(registry.get("c").turns) == [(A, "Hi."), (C, "I want a table.")]
    registry.merge([make_call("c", updated=9, turns=(Turn(role=A, text="Hi."), Turn(role=C, text="I want a table")))])
    assert spoken(registry.get("c").turns) == [(A, "Hi."), (C, "I want a table")]  # the platform's wording wins
    live.close()


conversations = st.lists(st.tuples(st.sampled_from([C, A]), st.sampled_from(WORDS)), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(conversation=conversations, data=st.data())
def test_any_interleaving_of_socket_events_and_polls_ends_with_each_line_once(conversation, data) -> None:
    """The socket says each line (partials first); polls bring growing prefixes in the platform's wording,
    at any moment. After every step the call shows each line said so far exactly once, in order."""
    steps: list[tuple[str, int]] = []
    for index in range(len(conversation)):
        steps += [("partial", index), ("final", index)]
    polls = data.draw(st.lists(st.integers(0, len(steps)), max_size=5), label="poll after step")
    registry = CallRegistry()
    registry.merge([make_call("c")])
    told: list[CallChange] = []
    feed = CallChangeFeed(registry, told.append)  # what `switchboard watch` prints from the same state
    live = LiveTranscript(registry, "c", clock=lambda: 0.0)
    said = polled = 0
    version = 0
    for position, (kind, index) in enumerate([*steps, ("end", -1)]):
        for _ in range(polls.count(position)):
            polled = data.draw(st.integers(polled, said), label="lines polled")
            version += 1
            turns = tuple(Turn(role=r, text=polled_wording(t)) for r, t in conversation[:polled])
            registry.merge([make_call("c", updated=version, turns=turns)])
            assert spoken(registry.get("c").turns) == expected(conversation, polled, said)
        if kind == "end":
            break
        role, text = conversation[index]
        live.apply(TranscriptEvent(role, text[: len(text) // 2] if kind == "partial" else text, kind == "final"))
        said += kind == "final"
        assert spoken(registry.get("c").turns) == expected(conversation, polled, said)
    live.close()
    feed.close()
    assert not any(t.partial for t in registry.get("c").turns)
    final_lines = [(c.fields["role"], c.fields["text"]) for c in told if c.type == "turn" and c.fields["final"]]
    assert [role for role, _ in final_lines] == [role.value for role, _ in conversation[: max(polled, said)]]


def expected(conversation, polled: int, said: int) -> list[tuple[TurnRole, str]]:
    return [(r, polled_wording(t) if i < polled else t) for i, (r, t) in enumerate(conversation[: max(polled, said)])]


def test_an_in_progress_line_goes_when_polling_says_the_call_is_over() -> None:
    registry = CallRegistry()
    registry.merge([make_call("c")])
    live = LiveTranscript(registry, "c", clock=lambda: 1.0)
    live.apply(TranscriptEvent(C, "Bye", final=True))
    live.apply(TranscriptEvent(A, "Goodb", final=False))
    registry.merge([make_call("c", status="ended", updated=5)])
    assert [(t.text, t.partial) for t in registry.get("c").turns] == [("Bye", False)]
    live.close()


def test_a_conversation_update_adds_the_lines_no_transcript_told() -> None:
    from app.live.listen_events import ConversationUpdate

    registry = CallRegistry()
    registry.merge([make_call("c")])
    live = LiveTranscript(registry, "c", clock=lambda: 1.0)
    live.apply(TranscriptEvent(A, "Hello, Ava here.", final=True))
    live.apply(ConversationUpdate(((A, "Hello, Ava here"), (C, "I need a table"))))
    live.apply(ConversationUpdate(((A, "Hello, Ava here"), (C, "I need a table"))))  # repeated: nothing new
    live.apply(TranscriptEvent(C, "I need a table.", final=True))  # a late transcript of the same line
    assert spoken(registry.get("c").turns) == [(A, "Hello, Ava here."), (C, "I need a table")]
    live.close()


def test_a_conversation_update_puts_earlier_lines_before_the_ones_heard() -> None:
    from app.live.listen_events import ConversationUpdate

    registry = CallRegistry()
    registry.merge([make_call("c")])
    live = LiveTranscript(registry, "c", clock=lambda: 1.0)
    live.apply(TranscriptEvent(C, "For four", final=True))  # listening began mid-call
    live.apply(ConversationUpdate(((A, "Hello"), (C, "A table please"), (A, "How many?"), (C, "For four"))))
    assert spoken(registry.get("c").turns) == [(A, "Hello"), (C, "A table please"), (A, "How many?"), (C, "For four")]
    live.close()
