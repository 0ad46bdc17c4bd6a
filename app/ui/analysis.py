"""What the platform concluded about a call: summary, success, structured data, sentiment, cost."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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

from app.domain import Call, CostBreakdown, CostItem, Performance, TransferRecord
from app.ui.formats import money
from app.ui.plain import LongText, block, one_line, tooltip, wrapped
from app.ui.tones import Tone, accent, muted_text, tint
from app.ui.verdicts import sentiment_of, success_verdict

NO_CALL = "Select a call to see its analysis"
LIVE = "Call in progress — analysis appears after the call ends"
PENDING = "Analysis pending — it usually appears a few seconds after the call ends"
CELL_LIMIT = 500  # characters a structured-data cell lays out; the tooltip has more
TREE_LIMIT = 400  # rows a structured-data tree lays out


def ended_reason_words(reason: str) -> tuple[str, Tone]:
    """'customer-ended-call' -> 'Customer ended call'; errors get the bad tone."""
    words = reason.replace(".", " ").replace("-", " ").replace("_", " ").strip()
    words = words[:1].upper() + words[1:]
    bad = any(w in reason.lower() for w in ("error", "failed", "fault", "timeout", "timed-out"))
    return words, Tone.BAD if bad else Tone.NEUTRAL


def usage(*, prompt_tokens: int | None = None, completion_tokens: int | None = None,
          characters: int | None = None, minutes: float | None = None) -> str:
    """What a cost line paid for, in words (tokens, characters or minutes)."""
    if prompt_tokens is not None or completion_tokens is not None:
        return f"{prompt_tokens or 0:,} in + {completion_tokens or 0:,} out tokens"
    if characters is not None:
        return f"{characters:,} characters"
    return f"{minutes:,.2f} min" if minutes is not None else ""


def _usage(breakdown: CostBreakdown, item: str) -> str:
    if item == "llm":
        return usage(prompt_tokens=breakdown.llm_prompt_tokens, completion_tokens=breakdown.llm_completion_tokens)
    return usage(characters=breakdown.tts_characters) if item == "tts" else ""


def _cost_line(item: CostItem) -> tuple[str, str, str]:
    kind = COST_KINDS.get(item.kind, item.kind.replace("-", " ").capitalize())
    return (one_line(f"{kind} · {item.detail}" if item.detail else kind, 120), money(item.cost),
            usage(prompt_tokens=item.prompt_tokens, completion_tokens=item.completion_tokens,
                  characters=item.characters, minutes=item.minutes))


def milliseconds(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def _latency_rows(performance: Performance) -> list[tuple[str, str]]:
    rows = [("Turn (average)", performance.turn_latency_average),
            ("Slowest turn", max(performance.turn_latencies, default=None)),
            ("Model (average)", performance.model_latency_average),
            ("Voice (average)", performance.voice_latency_average),
            ("Transcriber (average)", performance.transcriber_latency_average),
            ("Endpointing (average)", performance.endpointing_latency_average)]
    shown = [(name, milliseconds(value)) for name, value in rows if value is not None]
    if performance.turn_latencies:
        shown.append(("Turns measured", f"{len(performance.turn_latencies):,}"))
    if performance.user_interruptions is not None or performance.assistant_interruptions is not None:
        shown.append(("Interrupted", f"assistant {performance.assistant_interruptions or 0:,}× · "
                                     f"caller {performance.user_interruptions or 0:,}×"))
    return shown


def _transfer_row(transfer: TransferRecord) -> tuple[str, str, str]:
    mode = (transfer.mode or "").replace("-", " ")
    return one_line(transfer.destination or "—", 120), one_line(mode, 120), one_line(transfer.status or "", 120)


COST_KINDS = {"transport": "Transport", "transcriber": "Speech to text", "model": "Language model",
              "voice": "Text to speech", "vapi": "Platform", "analysis": "Analysis",
              "voicemail-detection": "Voicemail detection", "knowledge-base": "Knowledge base"}
COST_ROWS = (
    ("transport", "Transport"),
    ("stt", "Speech to text"),
    ("llm", "Language model"),
    ("tts", "Text to speech"),
    ("platform", "Platform"),
)


class _Rows:
    """How many more rows a tree may lay out: a platform's megabytes of structured data never become a
    million tree rows (a row at the cut says how many were left out)."""

    def __init__(self) -> None:
        self.left = TREE_LIMIT


def _fill_tree(parent: QTreeWidget | QTreeWidgetItem, value: Any, rows: _Rows | None = None) -> None:
    rows = rows or _Rows()
    items = value.items() if isinstance(value, dict) else enumerate(value)
    shown = 0
    for key, child in items:
        if rows.left <= 0:
            break
        _add_node(parent, f"[{key}]" if isinstance(key, int) else str(key), child, rows=rows)
        shown += 1
    if shown < len(value):
        rows.left = 0
        _add_node(parent, "…", f"{len(value) - shown:,} more not shown", rows=rows)


def _add_node(parent: QTreeWidget | QTreeWidgetItem, label: str, value: Any, children: Any = None,
              rows: _Rows | None = None) -> None:
    """One row: a scalar value as text, a list or object as "n items" with its parts below (or `children`)."""
    rows = rows or _Rows()
    rows.left -= 1
    node = QTreeWidgetItem([one_line(label, CELL_LIMIT), ""])
    if children is None and isinstance(value, dict | list) and value:
        children, value = value, f"{len(value)} item{'s' if len(value) != 1 else ''}"
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    node.setText(1, one_line(shown, CELL_LIMIT))
    node.setToolTip(1, tooltip(shown))
    if isinstance(children, dict | list) and children:
        _fill_tree(node, children, rows)
    if isinstance(parent, QTreeWidget):
        parent.addTopLevelItem(node)
    else:
        parent.addChild(node)


def _fill_outputs(tree: QTreeWidget, call: Call) -> None:
    """Structured outputs (name = result), scorecards (name = normalised score, points below by output), and
    the structured data catalog, in one tree."""
    rows = _Rows()
    outputs = {key: o for key, o in (call.structured_outputs or {}).items() if isinstance(o, dict)}
    for output in outputs.values():
        if rows.left > 0:
            _add_node(tree, str(output.get("name") or "Output"), output.get("result"), rows=rows)
    for card in (call.scorecards or {}).values():
        if isinstance(card, dict) and rows.left > 0:
            points = card.get("metricPoints")
            if isinstance(points, dict):  # keyed by structured output id: named by the output where known
                points = {str(outputs.get(key, {}).get("name") or key): value for key, value in points.items()}
            _add_node(tree, str(card.get("name") or "Scorecard"), _scorecard_value(card), points, rows=rows)
    for data in call.structured_data_multi:  # the spec types the entries only as objects
        if rows.left > 0:
            label = data.get("key") or data.get("name") or "Structured data"
            _add_node(tree, str(label), data["structuredData"] if "structuredData" in data else data, rows=rows)


def _scorecard_value(card: dict[str, Any]) -> Any:
    """The score normalised to 100 (the scorecard quickstart's `scoreNormalized`) as a percent, else the points."""
    normalised = card.get("scoreNormalized")
    if isinstance(normalised, int | float) and not isinstance(normalised, bool):
        return f"{normalised:g}%"
    return card.get("score")


def _shown_part(call: Call) -> tuple[Any, ...]:
    return (call.id, call.is_live, call.summary, call.success_evaluation, call.sentiment, call.ended_reason,
            call.structured_data, call.cost, call.cost_breakdown, call.ended_message, call.structured_outputs,
            call.scorecards, call.structured_data_multi, call.transfers, call.performance, call.costs)


def _table(name: str, headers: list[str]) -> QTableWidget:
    """A read-only table sized to its rows (the panel scrolls, not the table)."""
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setShowGrid(False)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    for column in range(len(headers) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def _fit_tree(tree: QTreeWidget) -> None:
    """Tall enough for every visible row: the panel scrolls as a whole, not the tree on its own."""
    rows = 0
    pending = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while pending:
        item = pending.pop()
        if item is None:
            continue
        rows += 1
        if item.isExpanded():
            pending.extend(item.child(i) for i in range(item.childCount()))
    row_height = tree.sizeHintForRow(0) if rows else 0
    tree.setFixedHeight(tree.header().height() + rows * row_height + 2 * tree.frameWidth() + 2)


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
        self.ended_message = self._fact(3, "Message")

        self.summary = LongText(title="Summary")

        self.data_tree = self._tree("structuredData")
        self.outputs_tree = self._tree("structuredOutputs")
        self.cost_table = _table("costTable", ["Item", "Cost", "Usage"])
        self.transfer_table = _table("transferTable", ["To", "Mode", "Status"])
        self.latency_table = _table("latencyTable", ["Measure", "Latency"])

        self._headings: list[QLabel] = []
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 10, 12, 12)
        column.setSpacing(6)
        column.addWidget(self.banner)
        column.addLayout(self.facts)
        self.summary_section = self._section(column, "Summary", self.summary)
        self.data_section = self._section(column, "Structured data", self.data_tree)
        self.outputs_section = self._section(column, "Structured outputs and scorecards", self.outputs_tree)
        self.transfer_section = self._section(column, "Transfers", self.transfer_table)
        self.latency_section = self._section(column, "Turn latency", self.latency_table)
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
        value = wrapped(QLabel())
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.addWidget(value, row, 1)
        value.setProperty("factName", label)
        return value

    def _tree(self, name: str) -> QTreeWidget:
        tree = QTreeWidget(objectName=name)
        tree.setHeaderLabels(["Field", "Value"])
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(True)
        tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        tree.header().setStretchLastSection(True)
        tree.itemExpanded.connect(lambda _item: _fit_tree(tree))
        tree.itemCollapsed.connect(lambda _item: _fit_tree(tree))
        return tree

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
        sentiment = sentiment_of(call)
        self._set_fact(self.sentiment, (sentiment.words, sentiment.tone) if sentiment else None,
                       hint=f"From {sentiment.source}" if sentiment else "")
        self._set_fact(self.ended_reason, ended_reason_words(call.ended_reason) if call.ended_reason else None,
                       hint=call.ended_reason or "")
        self.summary.set_text(call.summary)
        self.summary_section.setVisible(bool(call.summary))
        self._set_fact(self.ended_message, (call.ended_message, Tone.NEUTRAL) if call.ended_message else None,
                       strong=False)
        self._show_tree(self.data_section, self.data_tree,
                        lambda: _fill_tree(self.data_tree, call.structured_data or {}))
        self._show_tree(self.outputs_section, self.outputs_tree, lambda: _fill_outputs(self.outputs_tree, call))
        self.transfer_section.setVisible(bool(call.transfers))
        self._set_rows(self.transfer_table, [_transfer_row(t) for t in call.transfers],
                       tips=[t.transcript or "" for t in call.transfers])
        self.latency_section.setVisible(call.performance is not None)
        self._set_rows(self.latency_table, _latency_rows(call.performance) if call.performance else [])
        self._fill_cost(call, call.costs)

    def _show_tree(self, section: QWidget, tree: QTreeWidget, fill: Callable[[], None]) -> None:
        tree.clear()
        fill()
        tree.expandAll()
        _fit_tree(tree)
        section.setVisible(tree.topLevelItemCount() > 0)

    @property
    def state_text(self) -> str:
        """The sentence the panel shows instead of (or above) the analysis, empty when none."""
        if self._stack.currentIndex() == 0:
            return self.message.text()
        return self.banner.text() if self.banner.isVisibleTo(self) else ""

    # -- parts ----------------------------------------------------------------------------------
    def _set_fact(self, value: QLabel, verdict: tuple[str, Tone] | None, hint: str = "", strong: bool = True) -> None:
        name: QLabel = value.property("factName")
        name.setVisible(verdict is not None)
        value.setVisible(verdict is not None)
        if verdict is None:
            return
        text, tone = verdict
        value.setText(block(text, 1_000))
        value.setToolTip(tooltip(hint))
        palette = self.palette()
        colour = accent(tone, palette).name() if tone != Tone.NEUTRAL else palette.text().color().name()
        value.setStyleSheet(f"color: {colour}; font-weight: {600 if strong else 400};")

    def _fill_cost(self, call: Call, lines: tuple[CostItem, ...]) -> None:
        """The platform's cost lines (`costs[]`) when it gives them, else the older breakdown; then the total."""
        breakdown = call.cost_breakdown
        rows: list[tuple[str, str, str]] = [_cost_line(item) for item in lines]
        if not rows and breakdown is not None:
            rows = [(title, money(getattr(breakdown, key)), _usage(breakdown, key))
                    for key, title in COST_ROWS if getattr(breakdown, key) is not None]
        total = breakdown.total if breakdown and breakdown.total is not None else call.cost
        if total is not None:
            rows.append(("Total", money(total), ""))
        self._set_rows(self.cost_table, rows, bold_last=total is not None)
        self.cost_section.setVisible(bool(rows))

    def _set_rows(self, table: QTableWidget, rows: Sequence[Sequence[str]], *, tips: Sequence[str] = (),
                  bold_last: bool = False) -> None:
        """Fill a table and make it exactly as tall as its rows: the panel scrolls as a whole."""
        table.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if table is self.cost_table and c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if bold_last and r == len(rows) - 1:
                    item.setFont(bold)
                if r < len(tips) and tips[r]:
                    item.setToolTip(tooltip(tips[r]))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        table.setFixedHeight(table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(rows)))
                             + 2 * table.frameWidth())

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
            if item is not None and (label := item.widget()) is not None:
                label.setStyleSheet(f"color: {muted};")
