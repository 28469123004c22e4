"""A check for personal data in what people type, before it is saved.

A form with `checked_fields` runs each of them through the personal-data engine
(safety.scanning.text). When something is found the form is not saved: the page shows where, and
the text with it replaced, and asks whether to replace it or keep it as typed. The answer counts
only for the text it was given about: change the text and it is checked again.
"""

from __future__ import annotations

import hashlib

from django import forms

from safety.scanning.text import TextCheck, check_text

REPLACE, KEEP = "replace", "keep"


class PersonalDataCheckMixin:
    checked_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personal_data"] = forms.ChoiceField(
            label="What do you want to do?",
            choices=[
                (REPLACE, "Replace it as shown"),
                (KEEP, "Keep what I typed: it is not personal data, or the team needs it"),
            ],
            widget=forms.RadioSelect,
            required=False,
        )
        self.fields["checked"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.checks: list[tuple[forms.BoundField, TextCheck]] = []
        self.kept_identifiers = False

    def _layout_fields(self) -> list[str]:
        """Fields for the crispy layout: the warning's own fields are drawn by the template."""
        return [name for name in self.fields if name not in ("personal_data", "checked")]

    def clean(self):
        data = super().clean()
        checks = [
            (self[name], check_text(data[name])) for name in self.checked_fields if data.get(name)
        ]
        found = [(field, check) for field, check in checks if check.found]
        if not found:
            return data
        digest = hashlib.sha256("\x00".join(check.text for _, check in found).encode()).hexdigest()
        choice = data.get("personal_data")
        if data.get("checked") == digest and choice in (REPLACE, KEEP):
            if choice == REPLACE:
                for field, check in found:
                    data[field.name] = check.redacted
            self.kept_identifiers = choice == KEEP
            return data
        self.checks = found
        self.data = self.data.copy()
        self.data[self.add_prefix("checked")] = digest
        self.data.pop(self.add_prefix("personal_data"), None)
        self.add_error(
            "personal_data",
            "We found what looks like personal data. Choose whether to replace it or keep it",
        )
        return data
