"""The interface every provider module fills in: a `Provider` value named `PROVIDER`.

Fetch (snapshot and live), build and the manifest code know providers only through it; what is
particular to one provider (its files and their checks, its protocol, its quirks and the reasons
for them, how its raw rows become processed rows) stays in its module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: this module stays light to import
    import pandas as pd

    from analysis.catalogue import CorridorMeasure, Indicator
    from analysis.live.common import Summary
    from analysis.live.config import LiveConfig, UrlSetting
    from analysis.live.http import HttpClient
    from analysis.paths import Paths
    from analysis.progress import Progress
    from analysis.rawfiles import RawData, RawSpec


@dataclass(frozen=True)
class ProcessedTable:
    """A processed table of the provider's own, beside indicators and corridors: records, or a
    breakdown that is not a state-year number (DESIGN: processed tables)."""

    name: str  # written as data/processed/<name>.parquet
    label: str  # what its rows are, for the build's summary line ("Missing Migrants records")
    # From the checked raw frames; refuses a row it cannot read, naming the raw file and row.
    build: Callable[[RawData], pd.DataFrame]
    # Run with the validation of the indicator and corridor tables, before anything is written
    # (a pandera schema in validate.TABLE_SCHEMAS is checked too); for checks a schema can't say.
    check: Callable[[RawData, pd.DataFrame], None] | None = None


def _one_step() -> int:
    return 1  # one download


@dataclass(frozen=True)
class Provider:
    """One data provider. `id` names its snapshot folder, data/raw/<id>/, its manifest entry and
    its module (analysis.providers.<id>); the catalogue's indicators and corridor measures name
    it in their `provider` field."""

    id: str
    name: str  # for manifests, footers and the report's sources section
    files: tuple[str, ...]  # raw files under data/raw/<id>/, named as in the snapshot
    raw_specs: tuple[RawSpec, ...]  # what each raw file must hold (one per file)
    # Live fetch into data/raw/<id>/ through rawstore.stage; raises, keeping the previous files.
    # None: no live client yet (snapshot only): a live fetch skips the provider with one line,
    # and a build without its raw files leaves its indicators, measures and tables out.
    fetch_live: Callable[[Paths, LiveConfig, HttpClient, Progress], Summary] | None
    optional_files: tuple[str, ...] = ()  # used when present (snapshot only, say)
    live_urls: tuple[UrlSetting, ...] = ()  # its endpoints, each from an environment variable
    live_steps: Callable[[], int] = _one_step  # progress steps a live fetch plans for
    # Settings (environment variables) its live client cannot do without, e.g. IDMC's client
    # id: a live fetch without them skips the provider with one line (live.config.NotConfigured)
    # and a build without its raw files leaves it out, as for a provider with no live client.
    live_requires: tuple[str, ...] = ()
    # Request headers its hosts need beyond ours (e.g. live.http.BROWSER_HEADERS for a firewall
    # that refuses a library's User-Agent); FETCH_USER_AGENT still replaces the User-Agent.
    http_headers: Mapping[str, str] = field(default_factory=dict)
    # Rows of data/processed/indicators.parquet for one catalogue indicator naming this provider
    indicator_rows: Callable[[RawData, Indicator], pd.DataFrame] | None = None
    # ... and of data/processed/corridors.parquet for one corridor measure naming it.
    corridor_rows: Callable[[RawData, CorridorMeasure], pd.DataFrame] | None = None
    tables: tuple[ProcessedTable, ...] = ()

    def __post_init__(self) -> None:
        specs = [s.name for s in self.raw_specs]
        if sorted(specs) != sorted(self.all_files) or any(
                s.provider != self.id for s in self.raw_specs):
            raise ValueError(f"provider {self.id}: raw specs {specs} do not match its files "
                             f"{list(self.all_files)} one to one")

    @property
    def has_live_client(self) -> bool:
        return self.fetch_live is not None

    @property
    def all_files(self) -> tuple[str, ...]:
        return self.files + self.optional_files

    def raw_spec(self, name: str) -> RawSpec:
        for spec in self.raw_specs:
            if spec.name == name:
                return spec
        raise KeyError(f"no raw file spec for {self.id}/{name}")

    def to_dict(self) -> dict:
        """As data/processed/catalogue.json lists it."""
        return {"id": self.id, "name": self.name, "files": list(self.files),
                "optional_files": list(self.optional_files)}
