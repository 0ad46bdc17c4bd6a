"""ChoiceBox: "Any …" or one value; rebuilding keeps the choice while it is still offered, silently."""

from __future__ import annotations

from app.ui.history_filters import ChoiceBox


def test_rebuilding_keeps_the_choice_while_offered_and_says_nothing(qtbot):
    box = ChoiceBox("Anyone", ["ria", "sam"])
    qtbot.addWidget(box)
    assert [box.itemText(i) for i in range(box.count())] == ["Anyone", "ria", "sam"]
    assert box.value() is None
    box.setCurrentText("sam")
    assert box.value() == "sam"
    changes: list[int] = []
    box.currentIndexChanged.connect(changes.append)
    box.set_values(["ann", "sam"])
    assert box.value() == "sam" and box.currentText() == "sam"
    box.set_values(["ann"])
    assert box.value() is None and box.currentText() == "Anyone"
    assert changes == []
