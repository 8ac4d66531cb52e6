"""Country codes and names: country_converter's maintained ISO 3166 table, the catalogue's
display names, and the providers' own non-ISO codes."""

from __future__ import annotations

import functools

from analysis import catalogue


@functools.cache
def _iso3_table() -> dict[str, str]:
    import country_converter as coco

    data = coco.CountryConverter().data[["ISO3", "name_short"]].dropna()
    return dict(zip(data["ISO3"].astype(str), data["name_short"].astype(str), strict=True))


def known_codes() -> frozenset[str]:
    """Every code a raw or processed table may carry."""
    return frozenset(_iso3_table()) | frozenset(catalogue.PROVIDER_SPECIAL_CODES)


def display_name(iso3: str) -> str:
    """The catalogue's name for its states; otherwise the standard short name."""
    for state in catalogue.STATES:
        if state.iso3 == iso3:
            return state.name
    if iso3 in catalogue.PROVIDER_SPECIAL_CODES:
        return catalogue.PROVIDER_SPECIAL_CODES[iso3].split(" (")[0]
    return _iso3_table().get(iso3, iso3)
