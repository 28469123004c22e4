from __future__ import annotations

from crispy_forms_gds.layout import Layout, Submit
from django import forms

from cip.forms import BaseForm
from safety.models import Dataset, Remedy
from safety.services import remedies_for


class UploadForm(BaseForm):
    submit_label = "Upload and scan"

    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file or an Excel workbook (.xlsx). Macros and passwords are not allowed.",
        error_messages={
            "required": "Choose a CSV or Excel file to upload",
            "empty": "The file is empty: export the data again and upload the new file.",
        },
    )


class SheetForm(BaseForm):
    submit_label = "Scan this sheet"

    sheet = forms.ChoiceField(
        label="Which sheet should be scanned?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the sheet to scan"},
    )

    def __init__(self, *args, dataset: Dataset, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [
            (s["name"], f"{s['name']} (hidden sheet)" if s["hidden"] else s["name"])
            for s in dataset.sheets
        ]


class RemediesForm(BaseForm):
    """One choice per column (only what the engine can apply to it), and the quasi-identifiers."""

    submit_label = "Confirm and redact"

    def __init__(self, *args, dataset: Dataset, findings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Remedy.choices)
        for finding in findings:
            options = remedies_for(finding)
            self.fields[f"column_{finding.position}"] = forms.ChoiceField(
                label=f"Column ‘{finding.name}’",
                choices=[(value, labels[value]) for value in options],
                initial=finding.remedy if finding.remedy in options else options[0],
                error_messages={"required": f"Choose a remedy for ‘{finding.name}’"},
            )
        self.fields["quasi_identifiers"] = forms.MultipleChoiceField(
            label="Quasi-identifiers",
            help_text="Columns that, together, could single someone out (age, sex, ethnicity, "
            "ward, postcode district). Groups smaller than the threshold are generalised or "
            "suppressed.",
            choices=[(f.name, f.name) for f in findings],
            initial=dataset.quasi_identifiers,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.options = (dataset.k_anonymity or {}).get("options") or []
        if len(self.options) > 1:
            self.fields["generalisation"] = forms.ChoiceField(
                label="How much detail to keep in the quasi-identifiers",
                help_text="Each option makes every group at least "
                f"{dataset.min_cell_count} records; the first loses the least information. "
                "If you change the quasi-identifiers, the others are chosen again.",
                choices=[(str(i), option_label(o)) for i, o in enumerate(self.options)],
                initial=next(
                    (
                        str(i)
                        for i, o in enumerate(self.options)
                        if o.get("level_numbers") == dataset.generalisation
                    ),
                    "0",
                ),
                required=False,
                widget=forms.RadioSelect,
            )
        self.findings = findings
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))

    def generalisation(self) -> dict[str, int]:
        """The chosen option's levels; none (the least loss, searched again) if not chosen."""
        choice = self.cleaned_data.get("generalisation")
        if not choice or choice == "0":
            return {}
        return self.options[int(choice)]["level_numbers"]

    def remedies(self) -> dict[int, str]:
        return {f.position: self.cleaned_data[f"column_{f.position}"] for f in self.findings}


def option_label(option: dict) -> str:
    """'Age: 10-year bands; ward: exact. Information loss 31%, 120 cells suppressed.'"""
    levels = "; ".join(f"{name}: {level}" for name, level in option["levels"].items())
    loss = round(100 * option["information_loss"])
    cells = option["suppressed_cells"]
    plural = "" if cells == 1 else "s"
    return f"{levels}. Information loss {loss}%, {cells} cell{plural} suppressed."


class DownloadForm(BaseForm):
    submit_label = "Download"

    purpose = forms.CharField(
        label="Why do you need this file?",
        help_text="This is recorded with your name and the time, and shown to the data owner.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you need the file"},
    )
