from app.audio.timeline import step_turn, turn_at
from app.domain import Turn, TurnRole

TURNS = (
    Turn(role=TurnRole.SYSTEM, text="prompt"),  # no time: never highlighted
    Turn(role=TurnRole.ASSISTANT, start=1.0, end=3.0),
    Turn(role=TurnRole.CUSTOMER, start=4.0, end=6.0),
    Turn(role=TurnRole.TOOL, start=6.5),
    Turn(role=TurnRole.ASSISTANT, start=7.0, end=9.0),
)


def test_turn_at_follows_the_position_and_holds_through_pauses():
    assert turn_at(TURNS, 0.5) is None
    assert turn_at(TURNS, 1.0) == 1
    assert turn_at(TURNS, 3.5) == 1
    assert turn_at(TURNS, 4.2) == 2
    assert turn_at(TURNS, 6.7) == 3
    assert turn_at(TURNS, 100) == 4


def test_step_turn_goes_to_the_next_and_previous_starts():
    assert step_turn(TURNS, 0.0, 1) == 1.0
    assert step_turn(TURNS, 4.0, 1) == 6.5
    assert step_turn(TURNS, 9.5, 1) is None
    assert step_turn(TURNS, 7.3, -1) == 6.5  # just after 7.0 started: the turn before it
    assert step_turn(TURNS, 8.5, -1) == 7.0  # well into a turn: back to its start
    assert step_turn(TURNS, 1.2, -1) == 1.0
    assert step_turn(TURNS, 0.5, -1) is None
    assert step_turn((), 3.0, 1) is None
