"""The data providers, one module each: analysis.providers.<id> defines `PROVIDER`
(see `base.Provider`) with everything about that source: its raw files and their checks, its
live client, the quirks of its data with their reasons, and how its raw rows become processed
indicator rows, corridor rows and tables of its own.

Fetch (snapshot and live), build and the manifest code go through `IDS` in order and know a
provider only by that interface. The catalogue names, by provider id, the indicators and
corridor measures each provider feeds. A module is imported when first asked for, so that
commands needing only the ids (lock recovery, --source checks) load neither pandas nor HTTP
clients.
"""

from __future__ import annotations

import importlib

from analysis.providers.base import ProcessedTable, Provider

__all__ = ["IDS", "ProcessedTable", "Provider", "all_providers", "get"]

# Every provider, in the order fetch, build and the manifest take them.
IDS: tuple[str, ...] = (
    "worldbank", "unhcr", "undesa", "iom",
    # borders, trafficking and emergencies (issue 12)
    "unodc", "eurostat", "frontex", "idmc",
    # -- money and work (issue 11) --
    "knomad", "rpw",
)


def get(id_: str) -> Provider:
    if id_ not in IDS:
        raise KeyError(f"unknown provider {id_!r}; known: {', '.join(IDS)}")
    provider = importlib.import_module(f"{__name__}.{id_}").PROVIDER
    assert provider.id == id_, f"{__name__}.{id_} defines provider {provider.id!r}"
    return provider


def all_providers() -> tuple[Provider, ...]:
    return tuple(get(id_) for id_ in IDS)
