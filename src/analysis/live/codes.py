"""Provider country identifiers to ISO 3166 alpha-3: names through the catalogue's UN name
table (UN names and reviewed provider spellings) first, then country_converter's maintained
table (M49 numeric codes, country names) rather than a hand-kept list."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterable, Iterator

from analysis import catalogue

UNKNOWN = "UNK"  # UNHCR's and the snapshot's code for an unknown origin


@functools.cache
def _coco():
    import country_converter as coco

    return coco.CountryConverter()


@functools.cache
def m49_to_iso3() -> dict[int, str]:
    """M49 country code -> ISO3. Regions and aggregates have M49 codes with no ISO3: absent.
    (ISO 3166 numeric codes are the M49 codes of countries; country_converter's `UNcode`
    column lacks Taiwan, which UN DESA lists as 158.)"""
    data = _coco().data[["ISO3", "ISOnumeric"]].dropna()
    return {int(num): str(iso3) for iso3, num in zip(data["ISO3"], data["ISOnumeric"],
                                                     strict=True)}


@contextlib.contextmanager
def _quiet_coco() -> Iterator[None]:
    """country_converter logs a warning for every name it does not know; we report those
    ourselves, once."""
    logger = logging.getLogger("country_converter")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def names_to_iso3(names: Iterable[str]) -> dict[str, str | None]:
    """Each distinct name -> its ISO3 code: the catalogue's name table, else country_converter;
    None when neither finds a country, or country_converter finds more than one."""
    unique = sorted({n for n in names if n})
    if not unique:
        return {}
    out = {n: catalogue.iso3_of_label(n) for n in unique}
    rest = [n for n in unique if out[n] is None]
    if not rest:
        return out
    iso3 = set(_coco().data["ISO3"])
    with _quiet_coco():
        found = _coco().convert(rest, to="ISO3", not_found=None)
    if isinstance(found, str):  # a single name comes back unwrapped
        found = [found]
    out.update({name: code if isinstance(code, str) and code in iso3 else None
                for name, code in zip(rest, found, strict=True)})
    return out


def split_names(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def resolve_name_lists(cells: Iterable[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Each distinct cell holding a comma-separated list of country names -> (ISO3 codes in
    order, names not recognised). "Unknown" is UNK. A name that itself holds a comma
    ("Korea, Republic of") is tried joined with a neighbour when a part alone is no country."""
    cells = set(cells)
    split = {cell: split_names(cell) for cell in cells}
    lookup = names_to_iso3(p for parts in split.values() for p in parts)
    pairs = set()
    for parts in split.values():
        for i, part in enumerate(parts):
            if lookup.get(part) is None and part.lower() != "unknown":
                if i > 0:
                    pairs.add(f"{parts[i - 1]}, {part}")
                if i + 1 < len(parts):
                    pairs.add(f"{part}, {parts[i + 1]}")
    lookup.update(names_to_iso3(pairs))
    return {cell: _resolve(parts, lookup) for cell, parts in split.items()}


def _resolve(parts: list[str], lookup: dict[str, str | None]) -> tuple[list[str], list[str]]:
    """A part that is no country alone is a fragment: joined with the next part when that is
    a fragment too ("Bonaire, Sint Eustatius and Saba"), or with the previous one when the two
    name a country together ("Korea, Republic of"; "Congo, Democratic Republic of the")."""
    codes: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        ahead = f"{part}, {parts[i + 1]}" if i + 1 < len(parts) else None
        behind = f"{parts[i - 1]}, {part}" if i > 0 else None
        if part.lower() == "unknown":
            codes.append(UNKNOWN)
        elif lookup.get(part):
            codes.append(lookup[part])
        elif ahead and lookup.get(ahead) and not lookup.get(parts[i + 1]):
            codes.append(lookup[ahead])
            i += 1
        elif behind and lookup.get(behind) and codes and codes[-1] == lookup.get(parts[i - 1]):
            codes[-1] = lookup[behind]
        else:
            unknown.append(part)
        i += 1
    return codes, unknown


@functools.cache
def iso2_to_iso3() -> dict[str, str]:
    """ISO 3166 alpha-2 -> alpha-3, exactly (country_converter's ISO2 column holds alternatives
    as a regular expression, `^GR$|^EL$`: each alternative is a code of the same country, so
    Eurostat's EL and UK are found; its fuzzy matching is not used, since it reads RNC as
    New Caledonia)."""
    out: dict[str, str] = {}
    data = _coco().data[["ISO2", "ISO3"]].dropna()
    for pattern, iso3 in zip(data["ISO2"], data["ISO3"], strict=True):
        for code in str(pattern).split("|"):
            code = code.strip().strip("^$")
            if len(code) == 2 and code.isalpha():
                out.setdefault(code.upper(), str(iso3))
    return out
