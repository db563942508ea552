"""Write profiles/data/territory_points.csv: a point inside unorganised territories and reserves StatCan's copy lacks.

Run by hand when a source changes, never at run time (the build script reads the CSV it writes):

    pip install shapely pyproj   # in a throwaway virtualenv: only this script needs them
    python scripts/extract_quebec_territory_points.py MUN.csv municipalities.geojson qc-mrc.geojson

- MUN.csv, municipalities.geojson: the same inputs as scripts/build_quebec_municipalities.py.
- qc-mrc.geojson: the MRC polygons of Quebec's "Découpages administratifs" (MRNF, SDA 1:20 000, version V2026-05,
  CC BY 4.0), public copy in github.com/rhanka/geo at dc1ee206a1e65c14f02629ef1a3064db52a51e1b,
  data/normalized/ca-qc-sda/qc-mrc.geojson. They cover all of Quebec, unorganised territories and reserves included.

Inside each MRC, what StatCan's municipality polygons don't cover is its unorganised territories, reserves and
waters. A piece of that remainder is taken as a territory only when its area matches the area the Répertoire gives
for that territory (within 3.5 %, 5 % for a reserve of at least 5 km²) and for no other place of the MRC; or, when a
single territory is left in the MRC, when all the remaining pieces add up to its area (a territory in two pieces).
The point is the pole of inaccessibility of the piece (its largest piece): well inside it. Adjacent territories
form one piece that can't be told apart: they are left out (listed in profiles/data/README.md).
"""

from __future__ import annotations

import collections
import csv
import json
import re
import sys
from pathlib import Path

import pyproj
from shapely import make_valid
from shapely.geometry import shape
from shapely.ops import polylabel, transform, unary_union

DATA = Path(__file__).resolve().parent.parent / "profiles" / "data"
TERRITORY_TOLERANCE = 0.035
RESERVE_TOLERANCE = 0.05
MIN_RESERVE_KM2 = 5  # Smaller pieces are as often slivers between two sources' boundaries as reserves.
SLIVER_M = 100  # Strips narrower than twice this, left by the two sources' different simplification, are dropped.

to_metres = pyproj.Transformer.from_crs(4326, 32198, always_xy=True).transform  # NAD83 / Québec Lambert
to_degrees = pyproj.Transformer.from_crs(32198, 4326, always_xy=True).transform


def mrc_codes(row, sda_codes) -> list[str]:
    """The SDA MRC codes a Répertoire row may lie in: its own MRC ("MRC Kamouraska (140)" → "14"), else its division's."""
    match = re.search(r"\((\d+)\)", row["mrc"] or row["admregionale"] or "")
    if match:
        number = match[1]
        return [number[:2] if number.endswith("0") else number]
    return [code for code in sda_codes if code[:2] == row["mcode"][:2]]


def main(mun_path: str, geojson_path: str, mrc_path: str) -> None:
    with open(mun_path, encoding="utf-8-sig", newline="") as handle:
        repertoire = list(csv.DictReader(handle))
    features = json.loads(Path(geojson_path).read_text(encoding="utf-8"))["features"]
    covered = {feature["properties"]["mamhCode"][2:] for feature in features}
    municipalities = unary_union([make_valid(transform(to_metres, shape(f["geometry"]))) for f in features])
    mrcs = collections.defaultdict(list)
    for feature in json.loads(Path(mrc_path).read_text(encoding="utf-8"))["features"]:
        mrcs[feature["properties"]["MRS_CO_MRC"]].append(make_valid(transform(to_metres, shape(feature["geometry"]))))

    candidates = collections.defaultdict(list)
    for row in repertoire:
        if (
            row["mcode"] not in covered
            and row["mdes"].startswith(("Territoire", "Réserve"))
            and row["munnom"] != "Toponyme à venir"
            and float(row["msuperf"] or 0) > 0
        ):
            for code in mrc_codes(row, mrcs):
                candidates[code].append(row)

    found = {}
    for code, polygons in sorted(mrcs.items()):
        remainder = unary_union(polygons).difference(municipalities).buffer(-SLIVER_M).buffer(SLIVER_M)
        pieces = [piece for piece in getattr(remainder, "geoms", [remainder]) if piece.area > 0.3e6]
        places = candidates.get(code, [])

        def matches(piece, row) -> bool:
            area = float(row["msuperf"])
            tolerance = TERRITORY_TOLERANCE if row["mdes"].startswith("Territoire") else RESERVE_TOLERANCE
            return abs(piece.area / 1e6 - area) <= tolerance * area

        used = set()
        for row in places:
            if row["mdes"].startswith("Réserve") and float(row["msuperf"]) < MIN_RESERVE_KM2:
                continue
            fitting = [i for i, piece in enumerate(pieces) if matches(piece, row)]
            if len(fitting) == 1 and not any(matches(pieces[fitting[0]], o) for o in places if o is not row):
                found[row["mcode"]] = (pieces[fitting[0]], pieces[fitting[0]].area, "piece of the same area")
                used.add(fitting[0])
        left = [r for r in places if r["mcode"] not in found and r["mdes"].startswith("Territoire")]
        others = [r for r in places if r["mcode"] not in found and not r["mdes"].startswith("Territoire")]
        rest = [piece for i, piece in enumerate(pieces) if i not in used]
        if len(left) == 1 and rest:
            total = sum(piece.area for piece in rest) - sum(float(o["msuperf"]) * 1e6 for o in others)
            area = float(left[0]["msuperf"])
            if abs(total / 1e6 - area) <= TERRITORY_TOLERANCE * area:
                found[left[0]["mcode"]] = (
                    max(rest, key=lambda p: p.area),
                    total,
                    f"{len(rest)} pieces of the same area",
                )

    by_code = {row["mcode"]: row for row in repertoire}
    rows = []
    for code, (piece, area, method) in sorted(found.items()):
        point = polylabel(piece, tolerance=50)
        lon, lat = to_degrees(point.x, point.y)
        rows.append(
            {
                "code": code,
                "name": by_code[code]["munnom"],
                "latitude": round(lat, 5),
                "longitude": round(lon, 5),
                "area_km2": round(area / 1e6, 1),
                "repertoire_km2": by_code[code]["msuperf"],
                "method": method,
            }
        )
    with open(DATA / "territory_points.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} points: {dict(collections.Counter(by_code[r['code']]['mdes'] for r in rows))}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
