"""What is written on a recording: its lanes' names and reviewers' comment flags.
Plain Python, so the window, the transport and the review load without the plotting library."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.clock import clock

COMMENT_LABEL_CHARS = 28


@dataclass(frozen=True)
class CommentMark:
    """A reviewer's comment at a moment of the recording."""

    seconds: float
    text: str
    author: str = ""

    @property
    def label(self) -> str:
        words = " ".join(self.text.split())
        if len(words) <= COMMENT_LABEL_CHARS:
            return f"✎ {words}"
        cut = words[:COMMENT_LABEL_CHARS - 1]
        if " " in cut[COMMENT_LABEL_CHARS // 2:]:
            cut = cut.rsplit(" ", 1)[0]  # end on a whole word
        return f"✎ {cut.rstrip(',;:. ')}…"

    @property
    def tooltip(self) -> str:
        by = f" · {self.author}" if self.author else ""
        return f"{clock(self.seconds)}{by}\n{self.text}"


def lane_names(channels: int) -> list[str]:
    """Stereo recordings carry the customer on the left and the assistant on the right."""
    if channels == 2:
        return ["Customer", "Assistant"]
    if channels == 1:
        return ["Call"]
    return [f"Channel {i + 1}" for i in range(channels)]

