"""Insights: their tables (uploaded, or grouped from a redacted dataset), small-number protection,
charts and maps, and getting ready to publish. Keyword-only writes; the reading helpers give the
published view of a table, which is all the public site and downloads use.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import pandas as pd
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from projects import charts, disclosure, maps
from projects.models import Boundaries, Insight, InsightFigure, InsightTable, Project
from safety.models import Dataset, SafetySettings
from safety.scanning.text import TextCheck, check_text
from safety.services import dataset_access_record
from safety.storage import plaintext_copy
from teams.models import User

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 500  # areas or categories in one table
MAX_COLUMNS = 12  # measures
NOT_RECORDED = "Not recorded"
Kind = InsightTable.Kind


class TableError(ValueError):
    """What is wrong with a table, in words for the person making it."""


def threshold_for(project: Project) -> int:
    """The programme's smallest publishable group (SafetySettings.min_cell_count, default 10)."""
    return SafetySettings.min_cell_count_for(project.idea.programme_id)


# --- Reading an uploaded table -----------------------------------------------------------------

ROW_NAMES = ("area", "area code", "area_code", "code", "category", "group")
COLUMN_NAMES = ("measure", "indicator", "series")
VALUE_NAMES = ("value", "count", "amount", "number")


def _number(text: str, where: str, *, whole: bool) -> float:
    cleaned = text.strip().replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise TableError(f"{where}: ‘{text.strip()[:40]}’ is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise TableError(f"{where}: figures must be zero or more")
    if whole and not value.is_integer():
        raise TableError(f"{where}: counts must be whole numbers")
    return value


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def read_table_csv(data: bytes, *, kind: str) -> list[disclosure.Cell]:
    """Cells from a CSV with a header: area (or category), measure, value; for amounts also
    contributors, largest and second_largest, which the dominance rule needs."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError("The file must be smaller than 1 MB: upload aggregates, not records")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError("The file must be a CSV saved as UTF-8") from None
    lines = list(csv.reader(io.StringIO(text)))
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if len(lines) < 2:
        raise TableError("The file must have a header row and at least one row of figures")
    header, body = lines[0], lines[1:]
    row_at, column_at, value_at = (_find(header, n) for n in (ROW_NAMES, COLUMN_NAMES, VALUE_NAMES))
    if row_at is None or value_at is None:
        raise TableError(
            "The header must name an area (or category) column and a value column, like "
            "area,measure,value"
        )
    extra = [_find(header, (n,)) for n in ("contributors", "largest", "second_largest")]
    if kind == Kind.AMOUNT and None in extra:
        raise TableError(
            "Amounts need contributors, largest and second_largest columns: how many records "
            "add up to each figure and the two largest of them, for the dominance rule"
        )
    cells, seen = [], set()
    for number, line in enumerate(body, start=2):
        where = f"Row {number}"
        line = line + [""] * (len(header) - len(line))
        row = line[row_at].strip()
        column = line[column_at].strip() if column_at is not None else ""
        if not row:
            raise TableError(f"{where}: the area or category is empty")
        column = column or "Value"
        if (row, column) in seen:
            raise TableError(f"{where} repeats {row}, {column}")
        seen.add((row, column))
        value = _number(line[value_at], where, whole=kind == Kind.COUNT)
        if kind == Kind.AMOUNT:
            n, largest, second = (_number(line[i], where, whole=False) for i in extra)
            cells.append(disclosure.Cell(row, column, value, int(n), largest, second))
        else:
            cells.append(disclosure.Cell(row, column, value))
    _check_size(cells)
    return cells


def _check_size(cells: list[disclosure.Cell]) -> None:
    if len({c.row for c in cells}) > MAX_ROWS:
        raise TableError(f"A table can have at most {MAX_ROWS} areas or categories")
    if len({c.column for c in cells}) > MAX_COLUMNS:
        raise TableError(f"A table can have at most {MAX_COLUMNS} measures")


# --- Grouping a redacted dataset ---------------------------------------------------------------


def dataset_columns(dataset: Dataset) -> list[str]:
    """The columns of the dataset's redacted copy (its header), as the reviewer left them."""
    return [f.name for f in dataset.findings.all() if f.remedy != "drop"]


def group_dataset(
    *,
    dataset: Dataset,
    user: User,
    rows: str,
    columns: str = "",
    measure: str = "",
    purpose: str,
) -> list[disclosure.Cell]:
    """Aggregate the redacted copy by one or two of its columns: a count of records, or the sum
    of a numeric column (with the contributors and the two largest, for the dominance rule).
    The read is logged like a download; only the aggregates leave this function."""
    wanted = [c for c in (rows, columns, measure) if c]
    # Logged like a download (and refused once the files are gone); decrypted privately below.
    dataset_access_record(dataset=dataset, user=user, what="redacted", purpose=purpose)
    copy = dataset.redacted_copies.order_by("-created_at").first()
    with plaintext_copy(copy.stored_name, ".csv") as plain:
        frame = pd.read_csv(plain, usecols=wanted, dtype=str, keep_default_na=False)
    keys = [rows] + ([columns] if columns else [])
    for key in keys:
        frame[key] = frame[key].str.strip().replace("", NOT_RECORDED)
    if measure:
        values = pd.to_numeric(frame[measure].str.replace(",", ""), errors="coerce")
        if values.isna().any() or (values < 0).any():
            raise TableError(f"Every value in ‘{measure}’ must be a number, zero or more")
        frame[measure] = values
    cells = []
    for key, group in frame.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        row = str(key[0])
        column = str(key[1]) if columns else (measure or "Records")
        if measure:
            top = sorted(group[measure], reverse=True)[:2] + [0.0, 0.0]
            cells.append(
                disclosure.Cell(
                    row, column, float(group[measure].sum()), len(group), top[0], top[1]
                )
            )
        else:
            cells.append(disclosure.Cell(row, column, float(len(group))))
    if not cells:
        raise TableError("The dataset has no records to group")
    _check_size(cells)
    return cells


# --- Protection and the published view ---------------------------------------------------------


def protect_cells(cells: list[disclosure.Cell], *, kind: str, threshold: int) -> list[dict]:
    """Run small-number protection; keep every cell's outcome (and hidden cells' intervals)."""
    rules = disclosure.Rules(threshold=threshold, kind=kind)
    table = disclosure.protect(cells, rules)
    return [
        {
            "row": o.row,
            "column": o.column,
            "value": o.value,
            "rule": str(o.rule),
            "low": None if o.low is None else _finite(o.low),
            "high": None if o.high is None else _finite(o.high),
            "shown": table.shown(o),
            "required": disclosure.requirement(rules, o) if o.suppressed else "",
        }
        for o in table.cells.values()
    ]


def _finite(value: float) -> float | str:
    return value if math.isfinite(value) else "unbounded"


@dataclass(frozen=True)
class Shown:
    text: str  # the figure as printed, or "fewer than 10" / "not published"
    value: float | None  # None when hidden
    rule: str


@dataclass(frozen=True)
class TableView:
    table: InsightTable
    columns: list[str]  # measures, then "Total" when rows have totals
    rows: list[tuple[str, list[Shown]]]  # areas or categories, then "Total" when there is one

    @property
    def hidden(self) -> int:
        return sum(1 for _, cells in self.rows for c in cells if c.value is None)

    def long(self) -> list[dict]:
        """One record per cell, for CSV and JSON."""
        return [
            {
                "row": row,
                "column": column,
                "value": cell.value,
                "note": "" if cell.value is not None else cell.text,
            }
            for row, cells in self.rows
            for column, cell in zip(self.columns, cells, strict=True)
        ]


def table_view(table: InsightTable) -> TableView:
    """The table as published: hidden cells carry their label, never their value."""
    outcomes = {(o["row"], o["column"]): o for o in table.protection}
    rows = list(dict.fromkeys(o["row"] for o in table.protection if o["row"] != disclosure.TOTAL))
    columns = list(
        dict.fromkeys(o["column"] for o in table.protection if o["column"] != disclosure.TOTAL)
    )
    if any(
        o["column"] == disclosure.TOTAL and o["row"] != disclosure.TOTAL for o in table.protection
    ):
        columns.append(disclosure.TOTAL)
    if (disclosure.TOTAL, disclosure.TOTAL) in outcomes:
        rows.append(disclosure.TOTAL)

    def shown(row: str, column: str) -> Shown:
        o = outcomes.get((row, column))
        if o is None:  # the grand total sits under the last column of a one-column table
            o = (
                outcomes.get((disclosure.TOTAL, disclosure.TOTAL))
                if row == disclosure.TOTAL
                else None
            )
        if o is None:
            return Shown("", None, "")
        published = o["rule"] == disclosure.Rule.PUBLISHED
        return Shown(o["shown"], o["value"] if published else None, o["rule"])

    return TableView(table, columns, [(row, [shown(row, c) for c in columns]) for row in rows])


def interior_points(table: InsightTable) -> list[charts.Point]:
    """The table's cells (not its totals) as chart points: hidden ones have no value."""
    return [
        charts.Point(
            o["row"], o["column"], o["value"] if o["rule"] == disclosure.Rule.PUBLISHED else None
        )
        for o in table.protection
        if disclosure.TOTAL not in (o["row"], o["column"])
    ]


# --- Writes ------------------------------------------------------------------------------------


def table_add(
    *,
    insight: Insight,
    user: User,
    cells: list[disclosure.Cell],
    dataset: Dataset | None = None,
    grouped_by: list[str] | None = None,
    **fields,
) -> InsightTable:
    """Add an aggregate table, protected with the programme's threshold as it is now."""
    threshold = threshold_for(insight.project)
    kind = fields["kind"]
    table = InsightTable.objects.create(
        insight=insight,
        created_by=user,
        cells=[
            {"row": c.row, "column": c.column, "value": c.value}
            | (
                {"contributors": c.contributors, "largest": c.largest, "second": c.second}
                if kind == Kind.AMOUNT
                else {}
            )
            for c in cells
        ],
        protection=protect_cells(cells, kind=kind, threshold=threshold),
        threshold=threshold,
        source=InsightTable.Source.DATASET if dataset else InsightTable.Source.UPLOAD,
        dataset=dataset,
        grouped_by=grouped_by or [],
        **fields,
    )
    _unready(insight)
    return table


def chart_add(
    *, insight: Insight, table: InsightTable, kind: str, title: str, description: str
) -> InsightFigure:
    spec = charts.chart_spec(
        kind=kind,
        points=interior_points(table),
        category_title=table.row_title,
        value_title=table.value_title,
    )
    return _figure(insight, table, spec, kind=kind, title=title, description=description)


def map_add(
    *,
    insight: Insight,
    table: InsightTable,
    boundaries: Boundaries,
    column: str,
    title: str,
    description: str,
) -> InsightFigure:
    code_of = _area_codes(boundaries)
    values = {
        code_of.get(p.category, p.category): p.value
        for p in interior_points(table)
        if p.series == column
    }
    spec = maps.map_spec(boundaries.geojson, values, legend_title=column)
    return _figure(
        insight,
        table,
        spec,
        kind=InsightFigure.Kind.MAP,
        title=title,
        description=description,
        boundaries=boundaries,
        column=column,
    )


def _figure(insight: Insight, table: InsightTable, spec: dict, **fields) -> InsightFigure:
    figure = InsightFigure(insight=insight, table=table, **fields)
    figure.save()  # the id names the SVG's title and description
    figure.svg = charts.render_svg(
        spec,
        title=figure.title,
        description=figure.description,
        id_prefix=f"figure-{figure.pk}",
    )
    figure.save(update_fields=["svg"])
    _unready(insight)
    return figure


def boundaries_add(
    *, project: Project, user: User, name: str, attribution: str, parsed: maps.Boundaries
) -> Boundaries:
    return Boundaries.objects.create(
        project=project,
        uploaded_by=user,
        name=name,
        attribution=attribution,
        code_property=parsed.code_property,
        geojson=parsed.as_geojson(),
        areas=len(parsed.features),
        points=parsed.points,
    )


def _area_codes(boundaries: Boundaries) -> dict[str, str]:
    """Each area's code, found by its code or by its name: tables name areas either way."""
    features = boundaries.geojson["features"]
    by_name = {f["properties"]["name"]: f["properties"]["code"] for f in features}
    return by_name | {f["properties"]["code"]: f["properties"]["code"] for f in features}


def unmatched_codes(figure: InsightFigure) -> tuple[list[str], list[str]]:
    """(table rows not on the map, map areas not in the table), so the page can say so."""
    code_of = _area_codes(figure.boundaries)
    rows = {p.category for p in interior_points(figure.table)}
    on_map = {code_of[row] for row in rows if row in code_of}
    codes = set(code_of.values())
    return sorted(row for row in rows if row not in code_of), sorted(codes - on_map)


def _unready(insight: Insight) -> None:
    """A change after an insight was marked ready means it must be checked and marked again."""
    if insight.ready_at is not None:
        Insight.objects.filter(pk=insight.pk).update(ready_at=None, ready_by=None)
        insight.ready_at = insight.ready_by = None


def insight_save(*, insight: Insight, user: User) -> Insight:
    """Save an insight's words; a new one gets an address unique in its programme."""
    if insight.pk is None:
        insight.created_by = user
        insight.programme = insight.project.idea.programme
        base = slugify(insight.title)[:70] or "insight"
        for number in range(1, 1000):
            insight.slug = base if number == 1 else f"{base}-{number}"
            try:
                with transaction.atomic():
                    insight.save()
                return insight
            except IntegrityError:
                continue
        raise IntegrityError("No free address for the insight")
    insight.ready_at = insight.ready_by = None
    insight.save()
    return insight


def insight_mark_ready(*, insight: Insight, user: User, ready: bool) -> Insight:
    """Mark an insight ready for the pre-publication check (or take it back)."""
    insight.ready_at = timezone.now() if ready else None
    insight.ready_by = user if ready else None
    insight.save(update_fields=["ready_at", "ready_by"])
    return insight


def personal_data_in(insight: Insight) -> list[tuple[str, TextCheck]]:
    """What the personal-data engine finds in the words the public will read, for the team to
    check before publishing (a place name can look like a person's)."""
    fields = (
        "title",
        "question",
        "summary",
        "narrative",
        "caveats",
        "permitted_use",
        "methodology",
    )
    checks = [
        (Insight._meta.get_field(f).verbose_name, check_text(getattr(insight, f))) for f in fields
    ]
    return [(str(label).capitalize(), check) for label, check in checks if check.found]


def readiness_problems(insight: Insight) -> list[str]:
    """What an insight still needs before it can be marked ready."""
    problems = []
    if not insight.tables.exists():
        problems.append("Add at least one table of figures")
    return problems
