"""Sentiment on one scale whatever the platform's (HMS 0–10, Vapi structured data 1–5, -1..1 or words),
with its source kept; success in one vocabulary; the list and the analysis pane agree."""

from __future__ import annotations

import pytest

from app.domain import Provider
from app.ui.analysis import AnalysisPanel
from app.ui.call_list_model import Column
from app.ui.tones import Tone
from app.ui.verdicts import sentiment_of, success_verdict
from tests.live.calls import make_call
from tests.ui.shown import shown
from tests.ui.test_call_list import make_view


def ended(provider: Provider, sentiment=None, data=None, success=None):
    return make_call("x", status="ended", provider=provider, sentiment=sentiment, structured_data=data,
                     success_evaluation=success)


@pytest.mark.parametrize(("call", "label", "source"), [
    (ended(Provider.HMS, sentiment=1), "Negative", "HMS sentiment 1 on 0–10"),  # read as -1..1 it was "Positive"
    (ended(Provider.HMS, sentiment=9), "Positive", "on 0–10"),
    (ended(Provider.HMS, sentiment=5), "Neutral", "on 0–10"),
    (ended(Provider.VAPI, sentiment=2, data={"sentiment": 2}), "Negative", "Structured data 2 on 1–5"),
    (ended(Provider.VAPI, sentiment=5, data={"sentiment": 5}), "Positive", "on 1–5"),
    (ended(Provider.VAPI, sentiment=1, data={"sentiment": 1}), "Negative", "on 1–5"),
    (ended(Provider.VAPI, sentiment=-0.6, data={"sentiment": -0.6}), "Negative", "on -1..1"),
    (ended(Provider.VAPI, data={"sentiment": "Angry"}), "Negative", "“Angry”"),
    (ended(Provider.VAPI, data={"sentiment": "positive"}), "Positive", "“positive”"),
])
def test_every_scale_lands_on_one(call, label, source):
    sentiment = sentiment_of(call)
    assert sentiment is not None and sentiment.label == label and source in sentiment.source
    assert -1 <= sentiment.score <= 1


def test_success_has_one_vocabulary():
    assert success_verdict("Pass") == ("Successful", Tone.GOOD)
    assert success_verdict("true")[0] == success_verdict("PASSED")[0] == "Successful"
    assert success_verdict("Fail")[0] == success_verdict("false")[0] == "Not successful"


def test_an_angry_call_reads_negative_in_the_list_and_the_analysis(qtbot):
    angry = make_call("angry", status="ended", provider=Provider.HMS, sentiment=1, success_evaluation="false",
                      summary="Caller shouted.")
    view, _ = make_view(qtbot, angry)
    cell = view.proxy.index(0, Column.OUTCOME)
    assert cell.data() == "Not successful · Negative"
    assert "HMS sentiment 1 on 0–10" in cell.data(3)  # ToolTipRole
    panel = shown(qtbot, AnalysisPanel(), 400, 600)
    panel.show_call(angry)
    assert panel.sentiment.text().startswith("Negative") and "Positive" not in panel.sentiment.text()
    assert "HMS sentiment 1 on 0–10" in panel.sentiment.text()
