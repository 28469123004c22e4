"""Charts and maps as SVG, drawn on the server from Vega-Lite specifications by vl-convert (no
browser, no network). Plain Python, no Django.

Specifications are built from the *published* figures only: a hidden cell has no value here, so
it is never drawn; the page says what is missing beside the chart. Every SVG gets a <title> and a
<desc> and is labelled by them for screen readers; the data table always sits beside it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import vl_convert

SVG = "http://www.w3.org/2000/svg"

BAR, LINE, STACKED = "bar", "line", "stacked_bar"
# GOV.UK colours with at least 3:1 contrast on white, neighbouring series far apart.
PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#912b88", "#505a5f", "#6f72af", "#0b0c0c"]
FONT = "Liberation Sans, Arial, sans-serif"
CONFIG = {
    "aria": False,  # the whole SVG is one image with a title and description
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 14, "titleFontSize": 14, "labelColor": "#0b0c0c"},
    "legend": {"labelFontSize": 14, "titleFontSize": 14, "labelLimit": 260},
    "range": {"category": PALETTE},
    "background": "#ffffff",
}


@dataclass(frozen=True)
class Point:
    category: str  # the row: an area or a category
    series: str  # the column: a measure
    value: float | None  # None: hidden by small-number protection, never drawn


def chart_spec(
    *, kind: str, points: list[Point], category_title: str, value_title: str, width: int = 560
) -> dict:
    """A Vega-Lite bar, line or stacked bar chart of the published points."""
    values = [
        {"category": p.category, "series": p.series, "value": p.value}
        for p in points
        if p.value is not None
    ]
    categories = list(dict.fromkeys(p.category for p in points))
    series = list(dict.fromkeys(p.series for p in points))
    several = len(series) > 1
    category = {
        "field": "category",
        "type": "ordinal" if kind == LINE else "nominal",
        "title": category_title,
        "sort": categories,
        "axis": {"labelAngle": 0 if kind == LINE else -40, "labelLimit": 180},
    }
    value = {"field": "value", "type": "quantitative", "title": value_title}
    colour = {"field": "series", "type": "nominal", "title": None, "sort": series}
    encoding: dict = {"x": category, "y": value}
    if kind == LINE:
        mark: dict = {"type": "line", "point": {"size": 60, "filled": True}, "strokeWidth": 3}
        encoding["color"] = colour if several else {"value": PALETTE[0]}
        if several:
            encoding["strokeDash"] = {"field": "series", "type": "nominal", "legend": None}
    elif kind == STACKED:
        mark = {"type": "bar"}
        encoding["color"] = colour
        value["stack"] = "zero"
    else:
        mark = {"type": "bar"}
        if several:
            encoding["xOffset"] = {"field": "series", "type": "nominal", "sort": series}
            encoding["color"] = colour
        else:
            encoding["color"] = {"value": PALETTE[0]}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": CONFIG,
        "width": width,
        "height": 320,
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding,
        "padding": 8,
    }


def render_svg(spec: dict, *, title: str, description: str, id_prefix: str) -> str:
    """Draw a specification as an accessible SVG: role img, labelled by its title and
    description, with the chart's own inner ARIA roles removed (the image is read as one)."""
    svg = vl_convert.vegalite_to_svg(spec)
    return accessible_svg(svg, title=title, description=description, id_prefix=id_prefix)


def accessible_svg(svg: str, *, title: str, description: str, id_prefix: str) -> str:
    root = ET.fromstring(svg)  # noqa: S314  # nosec B314 (our own renderer's output)
    # The picture is shown inline, so nothing in it may run: the renderer writes none of
    # these, and this keeps it so whatever the labels in the data say.
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in ("script", "foreignObject", "a", "use", "image"):
                parent.remove(child)
    for element in root.iter():
        for name in list(element.attrib):
            if name == "role" or name.startswith(("aria-", "on")) or name.endswith("href"):
                del element.attrib[name]
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    title_element = ET.Element(f"{{{SVG}}}title", {"id": title_id})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG}}}desc", {"id": desc_id})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    root.set("role", "img")
    root.set("aria-labelledby", f"{title_id} {desc_id}")
    root.set("focusable", "false")
    root.attrib.pop("class", None)
    # Written with plain tag names and an xmlns attribute, rather than through ElementTree's
    # global prefix registry, which other libraries in the process change.
    for element in root.iter():
        element.tag = element.tag.rsplit("}", 1)[-1]
    root.set("xmlns", SVG)
    return ET.tostring(root, encoding="unicode")


_ID = re.compile(r"[^a-z0-9-]+")


def svg_id(text: str) -> str:
    """An id prefix safe in HTML and SVG."""
    return _ID.sub("-", text.lower()).strip("-") or "figure"
