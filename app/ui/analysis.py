"""What the platform concluded about a call: summary, success, structured data, sentiment, cost."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import Call, CostBreakdown
from app.domain.success import success_passed, success_score
from app.ui.tones import Tone, accent, muted_text, tint

NO_CALL = "Select a call to see its analysis"
LIVE = "Call in progress — analysis appears after the call ends"
PENDING = "Analysis pending — it usually appears a few seconds after the call ends"
def success_verdict(value: str) -> tuple[str, Tone]:
    """The platform's success evaluation ("true", "8", "Pass"...) in plain words with a tone."""
    text = value.strip()
    passed, score = success_passed(text), success_score(text)
    if score is not None:
        return f"{score:g} / 10", {True: Tone.GOOD, False: Tone.BAD, None: Tone.WARN}[passed]
    if passed is not None:
        return ("Successful", Tone.GOOD) if passed else ("Not successful", Tone.BAD)
    return text, Tone.NEUTRAL


def sentiment_verdict(value: float) -> tuple[str, Tone]:
    """Sentiment on a -1..1 or 0..10 scale, whichever the platform used."""
    if -1.0 <= value <= 1.0:
        low, high, shown = -0.25, 0.25, f"{value:+.2f}"
    elif 1.0 < value <= 10.0:
        low, high, shown = 4.0, 7.0, f"{value:g} / 10"
    else:
        return f"{value:g}", Tone.NEUTRAL
    if value >= high:
        return f"Positive ({shown})", Tone.GOOD
    if value <= low:
        return f"Negative ({shown})", Tone.BAD
    return f"Neutral ({shown})", Tone.NEUTRAL


def ended_reason_words(reason: str) -> tuple[str, Tone]:
    """'customer-ended-call' -> 'Customer ended call'; errors get the bad tone."""
    words = reason.replace(".", " ").replace("-", " ").replace("_", " ").strip()
    words = words[:1].upper() + words[1:]
    bad = any(w in reason.lower() for w in ("error", "failed", "fault", "timeout", "timed-out"))
    return words, Tone.BAD if bad else Tone.NEUTRAL


def money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.4f}"


def _usage(breakdown: CostBreakdown, item: str) -> str:
    if item == "llm":
        prompt, completion = breakdown.llm_prompt_tokens, breakdown.llm_completion_tokens
        if prompt is None and completion is None:
            return ""
        return f"{prompt or 0:,} in + {completion or 0:,} out tokens"
    if item == "tts" and breakdown.tts_characters is not None:
        return f"{breakdown.tts_characters:,} characters"
    return ""


COST_ROWS = (
    ("transport", "Transport"),
    ("stt", "Speech to text"),
    ("llm", "Language model"),
    ("tts", "Text to speech"),
    ("platform", "Platform"),
)


def _fill_tree(parent: QTreeWidget | QTreeWidgetItem, value: Any) -> None:
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        label = f"[{key}]" if isinstance(key, int) else str(key)
        node = QTreeWidgetItem([label, ""])
        if isinstance(child, dict | list) and child:
            node.setText(1, f"{len(child)} item{'s' if len(child) != 1 else ''}")
            _fill_tree(node, child)
        else:
            shown = json.dumps(child, ensure_ascii=False) if not isinstance(child, str) else child
            node.setText(1, shown)
            node.setToolTip(1, shown)
        if isinstance(parent, QTreeWidget):
            parent.addTopLevelItem(node)
        else:
            parent.addChild(node)


def _shown_part(call: Call) -> tuple[Any, ...]:
    return (call.id, call.is_live, call.summary, call.success_evaluation, call.sentiment, call.ended_reason,
            call.structured_data, call.cost, call.cost_breakdown)


class AnalysisPanel(QWidget):
    """The analysis of the selected call, or a sentence saying why there is none yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._call: Call | None = None

        self.message = QLabel(NO_CALL)
        self.message.setObjectName("analysisMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)

        self.banner = QLabel()
        self.banner.setObjectName("analysisBanner")
        self.banner.setWordWrap(True)

        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(12)
        self.facts.setVerticalSpacing(6)
        self.facts.setColumnStretch(1, 1)
        self.success = self._fact(0, "Success")
        self.sentiment = self._fact(1, "Sentiment")
        self.ended_reason = self._fact(2, "Ended")

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.data_tree = QTreeWidget()
        self.data_tree.setObjectName("structuredData")
        self.data_tree.setHeaderLabels(["Field", "Value"])
        self.data_tree.setAlternatingRowColors(True)
        self.data_tree.setUniformRowHeights(True)
        self.data_tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.data_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.data_tree.header().setStretchLastSection(True)
        self.data_tree.itemExpanded.connect(self._fit_tree)
        self.data_tree.itemCollapsed.connect(self._fit_tree)

        self.cost_table = QTableWidget(0, 3)
        self.cost_table.setObjectName("costTable")
        self.cost_table.setHorizontalHeaderLabels(["Item", "Cost", "Usage"])
        self.cost_table.verticalHeader().hide()
        self.cost_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cost_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.cost_table.setShowGrid(False)
        self.cost_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cost_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.cost_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

        self._headings: list[QLabel] = []
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 10, 12, 12)
        column.setSpacing(6)
        column.addWidget(self.banner)
        column.addLayout(self.facts)
        self.summary_section = self._section(column, "Summary", self.summary)
        self.data_section = self._section(column, "Structured data", self.data_tree)
        self.cost_section = self._section(column, "Cost", self.cost_table)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)

        self._stack = QStackedWidget()
        self._stack.addWidget(self.message)
        self._stack.addWidget(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self._restyle()
        self.show_call(None)

    def _fact(self, row: int, name: str) -> QLabel:
        label = QLabel(name)
        self.facts.addWidget(label, row, 0)
        value = QLabel()
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setWordWrap(True)
        self.facts.addWidget(value, row, 1)
        value.setProperty("factName", label)
        return value

    def _section(self, column: QVBoxLayout, title: str, content: QWidget) -> QWidget:
        section = QWidget()
        inner = QVBoxLayout(section)
        inner.setContentsMargins(0, 8, 0, 0)
        inner.setSpacing(4)
        heading = QLabel(title)
        self._headings.append(heading)
        inner.addWidget(heading)
        inner.addWidget(content)
        column.addWidget(section)
        return section

    # -- public API -----------------------------------------------------------------------------
    def show_call(self, call: Call | None) -> None:
        if call is not None and self._call is not None and _shown_part(call) == _shown_part(self._call):
            return  # a poll with nothing new for this panel: keep the reader's tree state and scroll
        self._call = call
        if call is None or call.is_live:
            self.message.setText(NO_CALL if call is None else LIVE)
            self._stack.setCurrentIndex(0)
            return
        self._stack.setCurrentIndex(1)
        self.banner.setText(PENDING)
        self.banner.setVisible(not call.has_analysis)
        self._set_fact(self.success, success_verdict(call.success_evaluation) if call.success_evaluation else None)
        self._set_fact(self.sentiment, sentiment_verdict(call.sentiment) if call.sentiment is not None else None)
        self._set_fact(self.ended_reason, ended_reason_words(call.ended_reason) if call.ended_reason else None,
                       tooltip=call.ended_reason or "")
        self.summary.setText(call.summary or "")
        self.summary_section.setVisible(bool(call.summary))
        self.data_tree.clear()
        if call.structured_data:
            _fill_tree(self.data_tree, call.structured_data)
            self.data_tree.expandAll()
            self._fit_tree()
        self.data_section.setVisible(bool(call.structured_data))
        self._fill_cost(call)

    @property
    def state_text(self) -> str:
        """The sentence the panel shows instead of (or above) the analysis, empty when none."""
        if self._stack.currentIndex() == 0:
            return self.message.text()
        return self.banner.text() if self.banner.isVisibleTo(self) else ""

    # -- parts ----------------------------------------------------------------------------------
    def _set_fact(self, value: QLabel, verdict: tuple[str, Tone] | None, tooltip: str = "") -> None:
        name: QLabel = value.property("factName")
        name.setVisible(verdict is not None)
        value.setVisible(verdict is not None)
        if verdict is None:
            return
        text, tone = verdict
        value.setText(text)
        value.setToolTip(tooltip)
        palette = self.palette()
        colour = accent(tone, palette).name() if tone != Tone.NEUTRAL else palette.text().color().name()
        value.setStyleSheet(f"color: {colour}; font-weight: 600;")

    def _fill_cost(self, call: Call) -> None:
        breakdown = call.cost_breakdown
        rows: list[tuple[str, str, str]] = []
        if breakdown is not None:
            rows = [(title, money(getattr(breakdown, key)), _usage(breakdown, key))
                    for key, title in COST_ROWS if getattr(breakdown, key) is not None]
        total = breakdown.total if breakdown and breakdown.total is not None else call.cost
        if total is not None:
            rows.append(("Total", money(total), ""))
        self.cost_table.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if cells[0] == "Total":
                    item.setFont(bold)
                self.cost_table.setItem(r, c, item)
        self.cost_table.resizeColumnsToContents()
        self.cost_table.resizeRowsToContents()
        height = self.cost_table.horizontalHeader().height() + sum(
            self.cost_table.rowHeight(r) for r in range(len(rows))) + 2 * self.cost_table.frameWidth()
        self.cost_table.setFixedHeight(height)
        self.cost_section.setVisible(bool(rows))

    def _fit_tree(self) -> None:
        """Tall enough for every visible row: the panel scrolls as a whole, not the tree on its own."""
        rows = 0
        pending = [self.data_tree.topLevelItem(i) for i in range(self.data_tree.topLevelItemCount())]
        while pending:
            item = pending.pop()
            rows += 1
            if item.isExpanded():
                pending.extend(item.child(i) for i in range(item.childCount()))
        row_height = self.data_tree.sizeHintForRow(0) if rows else 0
        self.data_tree.setFixedHeight(self.data_tree.header().height() + rows * row_height
                                      + 2 * self.data_tree.frameWidth() + 2)

    # -- looks ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
            call, self._call = self._call, None
            self.show_call(call)
        super().changeEvent(event)

    def _restyle(self) -> None:
        palette = self.palette()
        muted = muted_text(palette).name()
        self.message.setStyleSheet(f"color: {muted}; font-size: 11pt; padding: 24px;")
        self.banner.setStyleSheet(
            f"background: {tint(Tone.WARN, palette, 1.4).name()}; color: {accent(Tone.WARN, palette).name()};"
            f" border: 1px solid {tint(Tone.WARN, palette, 3.0).name()}; border-radius: 5px; padding: 8px 10px;"
        )
        for heading in self._headings:
            heading.setStyleSheet(f"color: {muted}; font-weight: 600; font-size: 8.5pt; letter-spacing: 0.5px;")
        for row in range(self.facts.rowCount()):
            item = self.facts.itemAtPosition(row, 0)
            if item is not None and item.widget() is not None:
                item.widget().setStyleSheet(f"color: {muted};")
