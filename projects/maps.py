"""Area boundaries uploaded as GeoJSON, and choropleth maps of published figures drawn from them.
Plain Python (shapely), no Django.

Boundaries are checked (a FeatureCollection of polygons in longitude and latitude, each with a
unique area code), repaired where a shape merely crosses itself, and simplified until the whole
set has at most MAX_POINTS corners, so that a map page stays small. Maps are drawn by the same
Vega-Lite renderer as charts: no tiles, nothing fetched.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import shapely
from shapely.geometry import mapping, shape

from projects.charts import CONFIG

MAX_FEATURES = 2000
MAX_POINTS = 20_000
COORDINATE_PLACES = 5  # about a metre
# Property names that usually hold an area code (ONS codes end in CD: WD23CD, LAD23CD, MSOA21CD).
CODE_HINTS = ("code", "areacode", "area_code", "id", "gss_code")
NAME_HINTS = ("name", "areaname", "area_name")
NO_FIGURE = "#b1b4b6"  # areas with no published figure: GOV.UK mid grey


class BoundaryError(ValueError):
    """What is wrong with the file, in words to show the person who uploaded it."""


@dataclass(frozen=True)
class Boundaries:
    features: list[dict]  # GeoJSON features with properties {"code", "name"} only
    code_property: str
    name_property: str
    points: int

    @property
    def codes(self) -> list[str]:
        return [f["properties"]["code"] for f in self.features]

    def as_geojson(self) -> dict:
        return {"type": "FeatureCollection", "features": self.features}


def _guess_code(properties: list[dict]) -> str | None:
    """The property that names each area uniquely, preferring one that looks like a code."""
    keys = [k for k in properties[0] if all(k in p for p in properties)]

    def unique(key: str) -> bool:
        values = [str(p[key]).strip() for p in properties]
        return all(values) and len(set(values)) == len(values)

    looks_like_code = [k for k in keys if k.lower().endswith("cd") or k.lower() in CODE_HINTS]
    found = next((k for k in looks_like_code + keys if unique(k)), None)
    # None unique: name the likeliest, so the person is told its values repeat.
    return found or next(iter(looks_like_code), None)


def _guess_name(properties: list[dict]) -> str | None:
    keys = [k for k in properties[0] if all(k in p for p in properties)]
    return next((k for k in keys if k.lower().endswith("nm") or k.lower() in NAME_HINTS), None)


def _points(geometry) -> int:
    return int(shapely.get_num_coordinates(geometry))


def _round(geometry):
    return shapely.set_precision(geometry, 10**-COORDINATE_PLACES)


def read_boundaries(data: bytes, *, code_property: str = "", max_bytes: int) -> Boundaries:
    """Check and simplify uploaded GeoJSON; raise BoundaryError saying what to fix."""
    if len(data) > max_bytes:
        raise BoundaryError(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryError("The file must be GeoJSON: it could not be read as JSON") from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryError("The file must be a GeoJSON FeatureCollection of area boundaries")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError("The file has no areas in it")
    if len(features) > MAX_FEATURES:
        raise BoundaryError(f"The file must have {MAX_FEATURES:,} areas or fewer")
    properties = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise BoundaryError(f"Area {number} has no properties, so it has no area code")
        properties.append(feature["properties"])
    code_property = code_property.strip() or _guess_code(properties) or ""
    if not code_property or any(code_property not in p for p in properties):
        raise BoundaryError(
            "Enter the name of the property that holds each area's code"
            if not code_property
            else f"Every area needs a ‘{code_property}’ property"
        )
    codes = [str(p[code_property]).strip() for p in properties]
    if not all(codes) or len(set(codes)) != len(codes):
        raise BoundaryError(
            f"Each area needs its own ‘{code_property}’: some are empty or repeated"
        )
    name_property = _guess_name(properties) or code_property
    shapes = [_shape(feature, code) for feature, code in zip(features, codes, strict=True)]
    shapes = _simplified(shapes)
    out = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": str(p.get(name_property, code)).strip() or code},
            "geometry": mapping(geometry),
        }
        for code, p, geometry in zip(codes, properties, shapes, strict=True)
    ]
    return Boundaries(out, code_property, name_property, sum(_points(g) for g in shapes))


def _shape(feature: dict, code: str):
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise BoundaryError(f"Area {code} must be a polygon or multipolygon")
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as error:
        raise BoundaryError(f"Area {code} has coordinates that do not make a shape") from error
    if polygon.is_empty:
        raise BoundaryError(f"Area {code} has an empty shape")
    west, south, east, north = polygon.bounds
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BoundaryError(f"Area {code} has coordinates that are not numbers")
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise BoundaryError(
            "The coordinates must be longitude and latitude (WGS 84). These look like British "
            "National Grid eastings and northings: export the boundaries as EPSG:4326"
        )
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
        polygon = shapely.union_all(
            [g for g in getattr(polygon, "geoms", [polygon]) if g.geom_type.endswith("Polygon")]
        )
        if polygon.is_empty:
            raise BoundaryError(f"Area {code} has a shape that cannot be repaired")
    return polygon


def _simplified(shapes: list) -> list:
    """Round to about a metre, then simplify with a growing tolerance until small enough."""
    shapes = [_round(g) for g in shapes]
    tolerance = 0.00005  # about 5 metres
    while sum(_points(g) for g in shapes) > MAX_POINTS and tolerance < 1:
        shapes = [_round(g.simplify(tolerance, preserve_topology=True)) for g in shapes]
        tolerance *= 2
    return shapes


def map_spec(
    boundaries: dict, values: dict[str, float | None], *, legend_title: str, width: int = 560
) -> dict:
    """A choropleth: areas with a published figure shaded by it (legend included), the others
    grey. `values` maps area codes to published figures (None: hidden or not in the table)."""
    features = []
    for feature in boundaries["features"]:
        code = feature["properties"]["code"]
        props = dict(feature["properties"], value=values.get(code))
        features.append({**feature, "properties": props})
    data = {
        "values": {"type": "FeatureCollection", "features": features},
        "format": {"type": "json", "property": "features"},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": CONFIG,
        "width": width,
        "height": width,
        "padding": 8,
        "data": data,
        "projection": {"type": "mercator"},
        "layer": [
            {"mark": {"type": "geoshape", "fill": NO_FIGURE, "stroke": "#ffffff"}},
            {
                "transform": [{"filter": "isValid(datum.properties.value)"}],
                "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 1},
                "encoding": {
                    "color": {
                        "field": "properties.value",
                        "type": "quantitative",
                        "title": legend_title,
                        "scale": {"scheme": "blues", "zero": True},
                        "legend": {"orient": "right", "gradientLength": 200},
                    }
                },
            },
        ],
    }
