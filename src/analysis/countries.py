"""Country codes and names: country_converter's maintained ISO 3166 table for the codes, the
catalogue's UN name table for the names, and the providers' own non-ISO codes."""

from __future__ import annotations

import functools

from analysis import catalogue


@functools.cache
def _iso3_codes() -> frozenset[str]:
    import country_converter as coco

    return frozenset(coco.CountryConverter().data["ISO3"].dropna().astype(str))


def known_codes() -> frozenset[str]:
    """Every code a raw or processed table may carry."""
    return _iso3_codes() | frozenset(catalogue.PROVIDER_SPECIAL_CODES)

