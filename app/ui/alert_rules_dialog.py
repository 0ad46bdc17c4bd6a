"""Edit the alert rules: every rule's switch, severity and thresholds, and the phrase lists.

Built from the settings' own dataclasses, so a new threshold shows up here without a form to
keep in step. Saving writes `alerts.toml` (commented, as hand-written) and applies it at once.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.alert import Severity
from app.live.alerts import settings as alert_settings
from app.live.alerts.settings import AlertSettings, PhraseList, Phrases
from app.ui.alert_look import rule_title
from app.ui.plain import comma_list, wrapped

Editor = QCheckBox | QComboBox | QSpinBox | QDoubleSpinBox | QLineEdit


def _editor(value: Any) -> Editor:
    editor: Editor
    if isinstance(value, bool):
        editor = QCheckBox()
    elif isinstance(value, Severity):
        editor = QComboBox()
        editor.addItems([s.value for s in Severity])
    elif isinstance(value, int):
        editor = QSpinBox(minimum=1, maximum=1000)
    elif isinstance(value, float):
        editor = QDoubleSpinBox(minimum=-1.0 if value < 0 else 0.0, maximum=10_000.0, decimals=2, singleStep=0.5)
    else:
        editor = QLineEdit()
        editor.setToolTip("Comma separated")
    _set(editor, value)
    return editor


def _value(editor: Editor, default: Any) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QComboBox):
        return Severity(editor.currentText())
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QDoubleSpinBox):
        return float(editor.value())
    return comma_list(editor.text()) or default


class AlertRulesDialog(QDialog):
    applied = Signal(object)  # AlertSettings, once saved

    def __init__(self, settings: AlertSettings, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alertRulesDialog")
        self.setWindowTitle("Alert rules")
        self.settings = settings
        self.path = path
        self.editors: dict[tuple[str, str], Editor] = {}  # (rule or phrases.<list>, field) -> editor
        body = QWidget()
        column = QVBoxLayout(body)
        for rule in fields(AlertSettings):
            current = getattr(settings, rule.name)
            group = QGroupBox(rule_title(rule.name), objectName=f"rule-{rule.name}")
            form = QFormLayout(group)
            if isinstance(current, Phrases):
                self._add(form, "phrases", "enabled", current.enabled)
                for name, phrase_list in current.lists.items():
                    form.addRow(QLabel(f"List “{name}”"))
                    self._add(form, f"phrases.{name}", "severity", phrase_list.severity)
                    self._add(form, f"phrases.{name}", "words", phrase_list.words)
            else:
                for item in fields(current):
                    self._add(form, rule.name, item.name, getattr(current, item.name))
            column.addWidget(group)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Saved to {path}"))
        self.problem = wrapped(QLabel("", objectName="alertRulesProblem"))
        self.problem.hide()
        layout.addWidget(self.problem)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(560, 720)

    def _add(self, form: QFormLayout, section: str, name: str, value: Any) -> None:
        editor = _editor(value)
        editor.setObjectName(f"{section}.{name}")
        self.editors[(section, name)] = editor
        form.addRow(name.replace("_", " ").capitalize(), editor)

    def edited(self) -> AlertSettings:
        rules: dict[str, Any] = {}
        for rule in fields(AlertSettings):
            current = getattr(self.settings, rule.name)
            if isinstance(current, Phrases):
                lists = {name: PhraseList(_value(self.editors[(f"phrases.{name}", "severity")], old.severity),
                                          _value(self.editors[(f"phrases.{name}", "words")], old.words))
                         for name, old in current.lists.items()}
                rules[rule.name] = Phrases(_value(self.editors[("phrases", "enabled")], True), lists)
            else:
                rules[rule.name] = replace(current, **{
                    item.name: _value(self.editors[(rule.name, item.name)], getattr(current, item.name))
                    for item in fields(current)})
        return AlertSettings(**rules)

    def save(self) -> None:
        """Applied only once on disk; when the file cannot be written the dialog stays open with the edits."""
        settings = self.edited()
        try:
            alert_settings.save(settings, self.path)
        except OSError as error:
            self.problem.setText(f"The rules could not be saved to {self.path}: {error.strerror or error}. Your changes are "
                                 "still here: free some space or fix the folder, then save again.")
            self.problem.show()
            return
        self.applied.emit(settings)
        self.accept()

    def _defaults(self) -> None:
        defaults = AlertSettings()
        for (section, name), editor in self.editors.items():
            if section.startswith("phrases."):
                phrase_list = defaults.phrases.lists.get(section.removeprefix("phrases."))
                if phrase_list is not None:  # a list of your own keeps what it has
                    _set(editor, getattr(phrase_list, name))
            else:
                _set(editor, getattr(getattr(defaults, section), name))


def _set(editor: Editor, value: Any) -> None:
    if isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QComboBox):
        editor.setCurrentText(str(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value))
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value))
    else:
        editor.setText(", ".join(value))
