"""Quebec's places with their MRC, loaded from the extract shipped in profiles/data (see its README)."""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from marketplace.common.changes import places_changed
from profiles.models import Mrc, Municipality, MunicipalityAlias

from ._common import search_key

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# The fields a reload rewrites on a place (the code is how a place is found again).
PLACE_FIELDS = [
    "geonames_id",
    "name",
    "search_name",
    "designation",
    "mrc",
    "region",
    "latitude",
    "longitude",
    "population",
]


def _read(name: str) -> tuple[dict, ...]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


@functools.cache
def _extract() -> tuple[tuple[dict, ...], tuple[dict, ...], dict[int, str]]:
    """The places, the aliases and the former GeoNames places (read once per process)."""
    former = {int(row["geonames_id"]): row["code"] for row in _read("former_geonames_places.csv")}
    return _read("quebec_municipalities.csv"), _read("municipality_aliases.csv"), former


def _mrcs_load(rows) -> dict[str, int]:
    """Create or update the MRCs of the extract that are new or changed; returns every MRC's id by code."""
    wanted = {row["mrc_code"]: (row["mrc_name"], slugify(row["mrc_name"]), row["region"]) for row in rows}
    current = {
        code: (pk, (name, slug, region))
        for pk, code, name, slug, region in Mrc.objects.values_list("pk", "code", "name", "slug", "region")
    }
    stale = [code for code, fields in wanted.items() if code not in current or current[code][1] != fields]
    if not stale:
        return {code: pk for code, (pk, _fields) in current.items()}
    Mrc.objects.bulk_create(
        [Mrc(code=code, name=wanted[code][0], slug=wanted[code][1], region=wanted[code][2]) for code in stale],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "slug", "region"],
    )
    return dict(Mrc.objects.values_list("code", "pk"))


def _adopt_former_rows(rows, former: list[tuple]) -> dict[int, str]:
    """Give each row loaded before the extract (no code) the code of the place it is, so it keeps its id.

    Matched by GeoNames id, else by name and region: profiles and projects point at these rows. `former`
    holds (pk, geonames_id, search_name, region) of the rows without code; returns {pk: code} adopted.
    """
    if not former:
        return {}
    by_geonames = {geonames_id: pk for pk, geonames_id, _name, _region in former if geonames_id}
    by_name = defaultdict(list)
    for pk, _geonames_id, name, region in former:
        by_name[(name, region)].append(pk)
    adopted: dict[int, str] = {}
    for row in rows:
        geonames_id = int(row["geonames_id"]) if row["geonames_id"] else None
        pk = by_geonames.get(geonames_id) if geonames_id else None
        if pk is None or pk in adopted:
            pk = next((pk for pk in by_name[(search_key(row["name"]), row["region"])] if pk not in adopted), None)
        if pk is not None:
            adopted[pk] = row["code"]
    Municipality.objects.bulk_update(
        [Municipality(pk=pk, code=code) for pk, code in adopted.items()], ["code"], batch_size=200
    )
    return adopted


def _merge_former_places(
    leftovers: list[tuple[int, int]], former_places: dict[int, str], ids: dict[str, int]
) -> list[int]:
    """Move what points at a former GeoNames place that is no municipality (Sainte-Foy) to the one it lies in.

    `leftovers` holds (pk, geonames_id) of such rows. The row then goes; its name is one of that
    municipality's aliases. Returns the municipalities that received something, for reindexing.
    """
    if not leftovers:
        return []
    moves = defaultdict(list)
    for pk, geonames_id in leftovers:
        moves[ids[former_places[geonames_id]]].append(pk)
    # Every relation to a place, whichever app declares it (the profiles app can't import those above it);
    # include_hidden: profiles and projects point here with related_name="+".
    relations = [
        field
        for field in Municipality._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and field.related_model is not MunicipalityAlias
    ]
    for home, old in moves.items():
        for relation in relations:
            if relation.many_to_many:
                through = relation.through
                column = next(f.name for f in through._meta.fields if f.related_model is Municipality)
                through.objects.filter(**{f"{column}__in": old}).update(**{column: home})
            else:
                relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": old}).update(
                    **{relation.field.name: home}
                )
    Municipality.objects.filter(pk__in=[pk for pk, _geonames_id in leftovers]).delete()
    return list(moves)


def _place_values(row, mrc_ids) -> tuple:
    """The PLACE_FIELDS of a place of the extract, in that order."""
    return (
        int(row["geonames_id"]) if row["geonames_id"] else None,
        row["name"],
        search_key(row["name"])[:120],
        row["designation"][:60],
        mrc_ids[row["mrc_code"]],
        row["region"],
        float(row["latitude"]),
        float(row["longitude"]),
        int(row["population"] or 0),
    )


def municipalities_load() -> int:
    """Create or update every Quebec place of the extract with its MRC, and their aliases; returns the count.

    Idempotent and in one transaction: a reload keeps every row's id, and rows from the former GeoNames
    list keep theirs too (or, for a neighbourhood, hand what points at them to their municipality). Only
    what changed is written, so `make run` pays a few reads at each start.
    """
    rows, aliases, former_places = _extract()
    columns = [
        "geonames_id",
        "name",
        "search_name",
        "designation",
        "mrc_id",
        "region",
        "latitude",
        "longitude",
        "population",
    ]
    with transaction.atomic():
        mrc_ids = _mrcs_load(rows)
        current = {}
        former = []
        leftovers = []
        for pk, code, *values in Municipality.objects.values_list("pk", "code", *columns):
            if code is not None:
                current[code] = (pk, tuple(values))
                continue
            geonames_id, _name, search_name, _designation, _mrc, region = values[:6]
            former.append((pk, geonames_id, search_name, region))
            if geonames_id in former_places:
                leftovers.append((pk, geonames_id))
        merged = {pk for pk, _geonames_id in leftovers}
        adopted = _adopt_former_rows(rows, [f for f in former if f[0] not in merged])
        for pk, code in adopted.items():
            current[code] = (pk, None)
        stale = [row for row in rows if current.get(row["code"], (None, None))[1] != _place_values(row, mrc_ids)]
        Municipality.objects.bulk_create(
            [
                Municipality(code=row["code"], **dict(zip(columns, _place_values(row, mrc_ids), strict=True)))
                for row in stale
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=PLACE_FIELDS,
        )
        ids = {code: pk for code, (pk, _values) in current.items()}
        if any(row["code"] not in ids for row in stale):
            ids = dict(Municipality.objects.filter(code__isnull=False).values_list("code", "pk"))
        known = set(MunicipalityAlias.objects.values_list("municipality_id", "search_name"))
        MunicipalityAlias.objects.bulk_create(
            [
                MunicipalityAlias(municipality_id=ids[alias["code"]], name=alias["alias"], search_name=key)
                for alias in aliases
                if (ids[alias["code"]], key := search_key(alias["alias"])) not in known
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        moved_to = _merge_former_places(leftovers, former_places, ids)
        # Pages and search documents show a place's name, MRC and region: those that changed are reindexed.
        places_changed(municipality_ids=[*(ids[row["code"]] for row in stale), *moved_to])
    return len(rows)
