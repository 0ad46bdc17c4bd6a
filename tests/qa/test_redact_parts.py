"""A text in flagged pieces (a search snippet and its highlighted matches) redacted as a whole."""

from __future__ import annotations

from app.qa.redaction import redact, redact_parts


def test_a_number_split_over_pieces_is_still_hidden_once():
    parts = [("call me on 415 55", False), ("5 0123", True), (" thanks", False)]
    assert redact_parts(parts) == [("call me on [phone number]", False), (" thanks", False)]
    assert "".join(p for p, _ in redact_parts(parts)) == redact("".join(p for p, _ in parts))


def test_pieces_without_anything_to_hide_are_kept_with_their_flags():
    parts = [("Welcome to ", False), ("Café", True), (" Nova.", False)]
    assert redact_parts(parts) == parts


def test_a_hidden_stretch_inside_one_piece_keeps_that_piece_flag():
    parts = [("my card ", False), ("4111 1111 1111 1111", True), (" and bob@example.com", False)]
    assert redact_parts(parts) == [("my card ", False), ("[card number]", True), (" and [e-mail]", False)]
