"""Charts and maps drawn on the server (projects/charts.py, projects/maps.py): well-formed SVG
with a title and description, only published figures drawn, boundaries checked and simplified."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.charts import BAR, LINE, STACKED, Point, chart_spec, render_svg
from projects.maps import MAX_POINTS, BoundaryError, map_spec, read_boundaries
from tests.payloads import XSS_PAYLOADS

NS = {"svg": "http://www.w3.org/2000/svg"}
MB = 1024 * 1024


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def bars(root: ET.Element) -> list[ET.Element]:
    """The marks drawn for data: Vega puts each mark type in a <g class="mark-rect ..."> (bars)
    or "mark-symbol" (points); legends and axes have their own groups, left out here."""
    found = []
    for group in root:
        kind = group.get("class", "")
        if "role-legend" in kind or "role-axis" in kind:
            continue
        if kind.split()[:1] in (["mark-rect"], ["mark-symbol"]):
            found += [child for child in group if child.tag.endswith("path")]
        found += bars(group)
    return found


def check_accessible(svg: str, title: str, description: str) -> ET.Element:
    root = parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == title
    assert root.find(f"svg:desc[@id='{desc_id}']", NS).text == description
    inner = [e for e in root.iter() if e is not root]
    assert not [
        e for e in inner if "role" in e.attrib or any(a.startswith("aria") for a in e.attrib)
    ]
    return root


@pytest.mark.parametrize("kind", [BAR, STACKED])
def test_a_bar_chart_draws_each_published_figure_and_never_a_hidden_one(kind) -> None:
    points = [
        Point("Gospel Oak", "Visits", 143),
        Point("Kentish Town", "Visits", None),  # fewer than 10: hidden
        Point("Camden Town", "Visits", 266),
        Point("Highgate", "Visits", 198),
    ]
    spec = chart_spec(kind=kind, points=points, category_title="Ward", value_title="Visits")
    assert [v["category"] for v in spec["data"]["values"]] == [
        "Gospel Oak",
        "Camden Town",
        "Highgate",
    ]
    assert [v["value"] for v in spec["data"]["values"]] == [143, 266, 198]
    svg = render_svg(
        spec, title="Visits by ward", description="Bars <for> each ward", id_prefix="c"
    )
    root = check_accessible(svg, "Visits by ward", "Bars <for> each ward")
    assert len(bars(root)) == 3
    text = " ".join(t.text or "" for t in root.iter(f"{{{NS['svg']}}}text"))
    assert "Kentish Town" not in text  # a hidden figure's category is not drawn at all


def test_a_line_chart_draws_one_point_per_published_figure() -> None:
    points = [
        Point(str(year), "Visits", v)
        for year, v in zip(range(2019, 2024), (50, 64, None, 80, 91), strict=True)
    ]
    spec = chart_spec(kind=LINE, points=points, category_title="Year", value_title="Visits")
    root = check_accessible(render_svg(spec, title="T", description="D", id_prefix="l"), "T", "D")
    assert len(bars(root)) == 4


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("ABCDEFG"),
            st.sampled_from(["x", "y"]),
            st.integers(10, 900) | st.none(),
        ),
        min_size=1,
        max_size=10,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.sampled_from([BAR, STACKED]),
)
def test_charts_draw_exactly_the_published_figures(rows, kind) -> None:
    points = [Point(c, s, v) for c, s, v in rows]
    spec = chart_spec(kind=kind, points=points, category_title="c", value_title="v")
    root = check_accessible(render_svg(spec, title="t", description="d", id_prefix="h"), "t", "d")
    published = [p for p in points if p.value is not None]
    assert sorted(v["value"] for v in spec["data"]["values"]) == sorted(p.value for p in published)
    assert len(bars(root)) == len(published)


def square(code: str, x: float, y: float, size: float = 0.02, **extra) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {
        "type": "Feature",
        "properties": {"WD23CD": code, "WD23NM": f"Ward {code}", **extra},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_boundaries_are_read_with_their_codes_and_names() -> None:
    boundaries = read_boundaries(
        collection(square("E1", -0.2, 51.5), square("E2", -0.18, 51.5)), max_bytes=MB
    )
    assert boundaries.code_property == "WD23CD" and boundaries.name_property == "WD23NM"
    assert boundaries.codes == ["E1", "E2"]
    assert boundaries.features[0]["properties"] == {"code": "E1", "name": "Ward E1"}


def test_detailed_boundaries_are_simplified_to_a_sensible_size() -> None:

    features = []
    for n in range(20):  # twenty circles of 3,000 corners each
        x0, y0 = -0.3 + (n % 5) * 0.05, 51.4 + (n // 5) * 0.05
        ring = [
            [
                x0 + 0.02 * math.cos(2 * math.pi * k / 3000),
                y0 + 0.02 * math.sin(2 * math.pi * k / 3000),
            ]
            for k in range(3000)
        ]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"code": f"A{n}"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    boundaries = read_boundaries(collection(*features), max_bytes=20 * MB)
    assert 200 < boundaries.points <= MAX_POINTS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "could not be read as JSON"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (collection(), "no areas"),
        (collection(square("E1", 530000, 180000)), "British National Grid"),
        (
            collection(square("E1", -0.2, 51.5), square("E1", -0.1, 51.5)),
            "some are empty or repeated",
        ),
        (
            collection(
                {
                    "type": "Feature",
                    "properties": {"code": "P"},
                    "geometry": {"type": "Point", "coordinates": [0, 51]},
                }
            ),
            "must be a polygon",
        ),
    ],
)
def test_bad_boundaries_say_what_to_fix(content, message) -> None:
    with pytest.raises(BoundaryError, match=message):
        read_boundaries(content, max_bytes=MB)


def test_a_file_too_large_is_refused_before_it_is_read() -> None:
    with pytest.raises(BoundaryError, match="smaller than 1 MB"):
        read_boundaries(b" " * (MB + 1), max_bytes=MB)


def test_a_self_crossing_shape_is_repaired() -> None:
    bow_tie = {
        "type": "Feature",
        "properties": {"code": "B"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[0, 51], [1, 52], [1, 51], [0, 52], [0, 51]]],
        },
    }
    boundaries = read_boundaries(collection(bow_tie), max_bytes=MB)
    assert boundaries.features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_a_map_shades_published_areas_and_greys_the_rest() -> None:
    boundaries = read_boundaries(
        collection(*(square(f"E{i}", -0.2 + 0.02 * i, 51.5) for i in range(4))), max_bytes=MB
    )
    values = {"E0": 120.0, "E1": None, "E2": 40.0}  # E1 hidden, E3 not in the table
    spec = map_spec(boundaries.as_geojson(), values, legend_title="Visits")
    drawn = [f["properties"]["value"] for f in spec["data"]["values"]["features"]]
    assert drawn == [120.0, None, 40.0, None]
    svg = render_svg(spec, title="Visits by ward", description="A map", id_prefix="m")
    root = check_accessible(svg, "Visits by ward", "A map")
    shapes = [
        g for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class", "").startswith("mark-shape")
    ]
    grey, shaded = ([child for child in layer if child.tag.endswith("path")] for layer in shapes)
    assert len(grey) == 4 and len(shaded) == 2  # every area outlined; two have figures
    text = " ".join(t.text or "" for t in root.iter(f"{{{NS['svg']}}}text"))
    assert "Visits" in text  # the legend


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_labels_from_the_data_cannot_add_script_to_a_chart(payload) -> None:
    points = [Point(payload, payload, 120), Point("Other", payload, 80)]
    spec = chart_spec(kind=BAR, points=points, category_title=payload, value_title="v")
    root = check_accessible(
        render_svg(spec, title=payload, description=payload, id_prefix="x"), payload, payload
    )
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1] not in ("script", "foreignObject", "a")
        assert not [
            name for name in element.attrib if name.startswith("on") or name.endswith("href")
        ]
