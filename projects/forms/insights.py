"""Forms for insights: the words, tables (uploaded or grouped), charts, maps and boundaries."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from cip.forms import BaseForm, BaseModelForm
from projects.models import Insight, InsightFigure, InsightTable

TABLE_KIND_HINT = (
    "Counts below the programme's threshold are shown as “fewer than 10”. Amounts also need "
    "how many records make up each figure and the two largest, for the dominance rule."
)


class InsightForm(BaseModelForm):
    submit_label = "Save the insight"

    class Meta:
        model = Insight
        fields = [
            "title",
            "question",
            "summary",
            "narrative",
            "caveats",
            "permitted_use",
            "methodology",
            "licence",
        ]
        help_texts = {
            "title": "One line, for example “Who stops visiting the food bank, and why”.",
            "narrative": "What the figures and the research say, in plain words. You can use "
            "Markdown: **bold**, lists with -, headings with ##, links like [text](https://…).",
            "caveats": "What people must know before they use it.",
            "permitted_use": "For example: anyone may use it to plan services; the figures for "
            "single wards may not be quoted in funding bids.",
            "methodology": "The data used, how it was grouped and protected, and the research "
            "behind the quotes. Markdown works here too.",
            "licence": "The published figures are downloadable under this licence.",
        }
        widgets = {
            "title": forms.TextInput(),
            "question": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 12}),
            "caveats": forms.Textarea(attrs={"rows": 4}),
            "permitted_use": forms.Textarea(attrs={"rows": 3}),
            "methodology": forms.Textarea(attrs={"rows": 6}),
            "licence": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": "Enter a title for the insight"},
            "question": {"required": "Enter the question the insight answers"},
            "summary": {"required": "Enter a short summary"},
            "narrative": {"required": "Enter what you found"},
            "caveats": {"required": "Enter the caveats and limits"},
            "permitted_use": {"required": "Enter who may use it, and for what"},
            "methodology": {"required": "Enter how you made it"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = [name for name in self.Meta.fields if name != "licence"]
        self.helper.layout = Layout(
            *fields,
            Field.radios("licence", legend_size=Size.SMALL),
            Submit("submit", self.submit_label),
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())  # one line: it heads emails


class TableFieldsMixin(forms.Form):
    title = forms.CharField(
        label="Title of the table",
        max_length=200,
        error_messages={"required": "Enter a title for the table"},
    )
    description = forms.CharField(
        label="What it shows (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(
        label="What are the figures?",
        help_text=TABLE_KIND_HINT,
        choices=InsightTable.Kind.choices,
        widget=forms.RadioSelect,
        initial=InsightTable.Kind.COUNT,
        error_messages={"required": "Choose what the figures are"},
    )
    row_title = forms.CharField(
        label="What are the rows?",
        help_text="For example “Ward” or “Age group”.",
        max_length=100,
        initial="Area",
        error_messages={"required": "Enter what the rows are"},
    )
    value_title = forms.CharField(
        label="What are the figures called?",
        help_text="For example “Households” or “Visits”.",
        max_length=100,
        initial="Count",
        error_messages={"required": "Enter what the figures are called"},
    )

    def table_fields(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("title", "description", "kind", "row_title", "value_title")
        }


class TableUploadForm(TableFieldsMixin, BaseForm):
    submit_label = "Upload the table"

    file = forms.FileField(
        label="The table as a CSV file",
        help_text="A header row, then one row per figure: area,measure,value (for example "
        "“Gospel Oak,Visits,143”). For amounts add contributors,largest,second_largest. "
        "Aggregates only, never records about people.",
        error_messages={"required": "Choose a CSV file"},
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "title", "description", Field.radios("kind", legend_size=Size.SMALL), "row_title",
            "value_title", "file", Submit("submit", self.submit_label),
        )  # fmt: skip


class DatasetChoiceForm(forms.Form):
    dataset = forms.ChoiceField(label="Which redacted dataset?")

    def __init__(self, *args, datasets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [
            (str(d.pk), f"{d.original_filename} ({d.data_source.name})") for d in datasets
        ]


class TableFromDatasetForm(TableFieldsMixin, BaseForm):
    submit_label = "Make the table"

    rows = forms.ChoiceField(
        label="Group the records by", error_messages={"required": "Choose the column to group by"}
    )
    columns = forms.ChoiceField(label="And split them by (optional)", required=False)
    measure = forms.ChoiceField(
        label="What to add up",
        help_text="Count the records, or add up a column of numbers (an amount).",
        required=False,
    )
    purpose = forms.CharField(
        label="Why are you reading the dataset?",
        help_text="Kept in the dataset's access log, like a download.",
        max_length=500,
        error_messages={"required": "Enter why you are reading the dataset"},
    )
    dataset = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, columns: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in columns]
        self.fields["rows"].choices = choices
        self.fields["columns"].choices = [("", "Do not split")] + choices
        self.fields["measure"].choices = [("", "Count the records")] + choices
        self.helper.layout = Layout(
            "dataset", "rows", "columns", "measure", "title", "description",
            Field.radios("kind", legend_size=Size.SMALL), "row_title", "value_title", "purpose",
            Submit("submit", self.submit_label),
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        picked = [data.get("rows"), data.get("columns"), data.get("measure")]
        picked = [p for p in picked if p]
        if len(picked) != len(set(picked)):
            self.add_error(
                "columns", "Choose different columns for grouping, splitting and adding up"
            )
        if data.get("measure") and data.get("kind") != InsightTable.Kind.AMOUNT:
            self.add_error("kind", "Adding up a column gives amounts: choose amounts")
        if not data.get("measure") and data.get("kind") == InsightTable.Kind.AMOUNT:
            self.add_error("kind", "Counting records gives counts: choose counts")
        return data


class ChartForm(BaseForm):
    submit_label = "Add the chart"

    table = forms.ModelChoiceField(
        label="Which table?", queryset=None, error_messages={"required": "Choose a table"}
    )
    kind = forms.ChoiceField(
        label="What kind of chart?",
        choices=[c for c in InsightFigure.Kind.choices if c[0] != InsightFigure.Kind.MAP],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a kind of chart"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Describe what it shows",
        help_text="Read out by screen readers in place of the chart: say what the figures show, "
        "like “Visits fell in every ward, most in Gospel Oak”.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe what the chart shows"},
    )

    def __init__(self, *args, insight: Insight, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = insight.tables.all()
        self.fields["table"].empty_label = None
        self.helper.layout = Layout(
            "table", Field.radios("kind", legend_size=Size.SMALL), "title", "description",
            Submit("submit", self.submit_label),
        )  # fmt: skip


class MapForm(BaseForm):
    submit_label = "Add the map"

    figures = forms.ChoiceField(
        label="Which figures?",
        help_text="A measure from one of the insight's tables, joined to the boundaries by "
        "area code.",
        error_messages={"required": "Choose the figures to map"},
    )
    boundaries = forms.ModelChoiceField(
        label="On which boundaries?",
        queryset=None,
        error_messages={"required": "Choose the boundaries"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Describe what it shows",
        help_text="Read out by screen readers in place of the map: say where figures are high "
        "or low.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe what the map shows"},
    )

    def __init__(self, *args, insight: Insight, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tables = {str(t.pk): t for t in insight.tables.all()}
        self.fields["figures"].choices = [
            (f"{t.pk}:{column}", f"{t.title}: {column}")
            for t in self.tables.values()
            for column in dict.fromkeys(c["column"] for c in t.cells)
        ]
        self.fields["boundaries"].queryset = insight.project.boundaries.defer("geojson")
        self.fields["boundaries"].empty_label = None

    def chosen(self) -> tuple[InsightTable, str]:
        table, _, column = self.cleaned_data["figures"].partition(":")
        return self.tables[table], column


class BoundariesForm(BaseForm):
    submit_label = "Upload the boundaries"

    name = forms.CharField(
        label="Name",
        help_text="For example “Camden wards, 2022”.",
        max_length=200,
        error_messages={"required": "Enter a name for the boundaries"},
    )
    attribution = forms.CharField(
        label="Source and licence",
        help_text="Shown under every map. For ONS boundaries: “Source: Office for National "
        "Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown "
        "copyright and database right 2024”.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter where the boundaries come from and their licence"},
    )
    file = forms.FileField(
        label="GeoJSON file",
        help_text="Areas as polygons in longitude and latitude (WGS 84), each with its code, as "
        "the ONS Open Geography Portal exports them. Detailed boundaries are simplified.",
        error_messages={"required": "Choose a GeoJSON file"},
        widget=forms.FileInput(
            attrs={"accept": ".geojson,.json,application/geo+json,application/json"}
        ),
    )
    code_property = forms.CharField(
        label="Property holding the area code (optional)",
        help_text="Leave empty to find it: a property ending in CD, like WD22CD, is used first.",
        max_length=100,
        required=False,
    )
