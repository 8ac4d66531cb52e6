"""The catalogue: the one place where states, themes, indicators and corridor measures are named.

Everything else (build, loading, plotting, notebooks, the report) reads names from here.
Theme summaries paraphrase the Almaty Process 2015 closing remarks in our own words;
paragraph numbers refer to `../shared/reference/almaty-process-2015-closing-remarks.txt`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------

# The earliest year any source covers (UNHCR from 1951, UN WPP from 1950): earlier is a typo.
FIRST_YEAR = 1950

PARTICIPATING = "participating"
OBSERVER = "observer"
COMPARATOR = "comparator"
ROLES = (PARTICIPATING, OBSERVER, COMPARATOR)


@dataclass(frozen=True)
class State:
    iso3: str
    name: str  # display name in current usage, whatever a provider calls it
    role: str
    colour: str  # fixed for every chart
    marker: str  # fixed too, so lines stay apart in greyscale


# Colours: Paul Tol's colour-blind-safe "muted" scheme for the nine participating states,
# and distinct dark/neutral tones from Tol's "bright"/"vibrant" schemes for the others.
STATES: tuple[State, ...] = (
    State("AFG", "Afghanistan", PARTICIPATING, "#CC6677", "o"),
    State("AZE", "Azerbaijan", PARTICIPATING, "#332288", "s"),
    State("IRN", "Iran", PARTICIPATING, "#DDCC77", "^"),
    State("KAZ", "Kazakhstan", PARTICIPATING, "#117733", "D"),
    State("KGZ", "Kyrgyzstan", PARTICIPATING, "#88CCEE", "v"),
    State("PAK", "Pakistan", PARTICIPATING, "#882255", "P"),
    State("TJK", "Tajikistan", PARTICIPATING, "#44AA99", "X"),
    State("TUR", "Türkiye", PARTICIPATING, "#999933", "<"),
    State("TKM", "Turkmenistan", PARTICIPATING, "#AA4499", ">"),
    State("CHN", "China", OBSERVER, "#777777", "h"),
    State("RUS", "Russia", OBSERVER, "#000000", "*"),
    State("USA", "United States", OBSERVER, "#4477AA", "p"),
    State("UZB", "Uzbekistan", COMPARATOR, "#EE7733", "d"),
)

# Codes the providers use that are not ISO 3166 alpha-3 countries. They are kept (they carry
# real counts) and are valid in raw and processed tables.
PROVIDER_SPECIAL_CODES: dict[str, str] = {
    "UNK": "Unknown or various origins (UNHCR)",
    "XXA": "Stateless (UNHCR)",
    "TIB": "Tibetan (UNHCR)",
    "AB9": "Abyei area (IDMC)",
    "OOO": "Other origins, not specified (UN DESA)",
    "XCX": "Channel Islands (UN DESA)",
    "ANT": "Netherlands Antilles (former, World Bank)",
    "CHI": "Channel Islands (World Bank)",
    "XKX": "Kosovo (World Bank)",
}

# ---------------------------------------------------------------------------
# Providers (for manifests, footers and the report's sources section)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    files: tuple[str, ...]  # raw files under data/raw/<id>/, named as in the snapshot
    optional_files: tuple[str, ...] = ()  # used when present (snapshot only, say)

    @property
    def all_files(self) -> tuple[str, ...]:
        return self.files + self.optional_files


PROVIDERS: tuple[Provider, ...] = (
    Provider("worldbank", "World Bank", ("indicators.csv",)),
    Provider(
        "unhcr",
        "UNHCR",
        (
            "population.csv",
            "asylum_applications.csv",
            "asylum_decisions.csv",
            "solutions.csv",
            "idmc.csv",
        ),
    ),
    # WPP population has no live download we use: live builds take World Bank SP.POP.TOTL.
    Provider("undesa", "UN DESA Population Division", ("migrant_stock_2024.csv",),
             ("population_wpp2024.csv",)),
    Provider("iom", "IOM Missing Migrants Project", ("missing_migrants.csv",)),
)

# ---------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One processed indicator: a row family of data/processed/indicators.parquet.

    Source kinds:
    - provider "worldbank": `code` is the WDI series code.
    - provider "unhcr": sum of `field` in raw file `dataset`, grouped by the state as
      country of asylum (`by="coa"`) or of origin (`by="coo"`), over every partner country.
    - provider "undesa": migrant stock summed over sexes and partners (`by` = "destination"
      or "origin"), or WPP population.
    - provider "derived": numerator / denominator * factor, both indicator ids.
    """

    id: str
    label: str
    unit: str
    provider: str
    code: str
    dataset: str | None = None
    field: str | None = None
    by: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    factor: float | None = None
    min_value: float | None = 0.0  # None: can be negative (net migration)
    max_value: float | None = None  # 100 for shares that cannot exceed the whole

    @property
    def formula(self) -> str | None:
        if self.provider != "derived":
            return None
        return f"{self.numerator} / {self.denominator} * {self.factor:g}"


def _wb(id_: str, label: str, unit: str, code: str, **kw) -> Indicator:
    return Indicator(id_, label, unit, "worldbank", code, **kw)


def _unhcr(id_: str, label: str, dataset: str, field_: str, by: str) -> Indicator:
    partner = "asylum country" if by == "coa" else "origin country"
    return Indicator(
        id_, label, "people", "unhcr", f"{dataset}.{field_} by {partner}",
        dataset=dataset, field=field_, by=by,
    )


def _derived(id_: str, label: str, unit: str, num: str, den: str, factor: float, **kw) -> Indicator:
    return Indicator(
        id_, label, unit, "derived", f"{num} / {den} * {factor:g}",
        numerator=num, denominator=den, factor=factor, **kw,
    )


INDICATORS: tuple[Indicator, ...] = (
    _wb("remittances_received_usd", "Personal remittances received", "current US$",
        "BX.TRF.PWKR.CD.DT"),
    _wb("remittances_paid_usd", "Personal remittances paid", "current US$", "BM.TRF.PWKR.CD.DT"),
    _wb("gdp_usd", "GDP", "current US$", "NY.GDP.MKTP.CD"),
    _wb("unemployment_pct", "Unemployment", "% of labour force", "SL.UEM.TOTL.ZS",
        max_value=100.0),
    _wb("net_migration", "Net migration", "people", "SM.POP.NETM", min_value=None),
    _wb("gdp_per_capita_ppp", "GDP per capita, PPP", "constant 2021 international $",
        "NY.GDP.PCAP.PP.KD"),
    # UN WPP when the raw UN DESA population file is present; World Bank SP.POP.TOTL otherwise.
    Indicator("population", "Total population", "people", "undesa", "WPP2024 total population",
              dataset="population_wpp2024.csv"),
    _unhcr("refugees_hosted", "Refugees hosted", "population", "refugees", "coa"),
    _unhcr("refugees_abroad", "Refugees originating from the country", "population", "refugees",
           "coo"),
    _unhcr("asylum_seekers_hosted", "Asylum-seekers hosted", "population", "asylum_seekers", "coa"),
    _unhcr("asylum_seekers_abroad", "Asylum-seekers originating from the country", "population",
           "asylum_seekers", "coo"),
    _unhcr("idps", "Internally displaced people (UNHCR)", "population", "idps", "coa"),
    _unhcr("stateless", "Stateless people", "population", "stateless", "coa"),
    _unhcr("returned_refugees", "Refugees returned to the country", "population",
           "returned_refugees", "coo"),
    _unhcr("asylum_applications_abroad", "New asylum applications by nationals abroad",
           "asylum_applications", "applied", "coo"),
    _unhcr("asylum_applications_hosted", "Asylum applications lodged in the country",
           "asylum_applications", "applied", "coa"),
    _unhcr("resettled_abroad", "Refugees from the country resettled to third countries",
           "solutions", "resettlement", "coo"),
    _unhcr("naturalisations", "Refugees naturalised in the country", "solutions",
           "naturalisation", "coa"),
    _unhcr("idps_idmc", "Internally displaced people (IDMC, conflict and violence)", "idmc",
           "total", "coa"),
    Indicator("immigrant_stock", "International migrants living in the country", "people",
              "undesa", "IMS2024 stock by destination", dataset="migrant_stock_2024.csv",
              field="migrants", by="destination"),
    Indicator("emigrant_stock", "International migrants born in the country, living abroad",
              "people", "undesa", "IMS2024 stock by origin", dataset="migrant_stock_2024.csv",
              field="migrants", by="origin"),
    _derived("remittances_received_pct_gdp", "Personal remittances received", "% of GDP",
             "remittances_received_usd", "gdp_usd", 100.0),
    _derived("refugees_hosted_per_1000", "Refugees hosted per 1,000 population",
             "per 1,000 population", "refugees_hosted", "population", 1000.0),
    _derived("immigrants_pct_population", "International migrants", "% of population",
             "immigrant_stock", "population", 100.0, max_value=100.0),
    Indicator("asylum_recognition_rate_abroad",
              "Recognition rate of the country's nationals' asylum claims abroad",
              "% of substantive decisions", "unhcr",
              "asylum_decisions: dec_recognized / (dec_recognized + dec_other + dec_rejected)"
              " * 100 by origin country",
              dataset="asylum_decisions", by="coo", max_value=100.0),
)

# World Bank series fetched beside the catalogue's indicators: the live population fallback.
WORLDBANK_POPULATION_CODE = "SP.POP.TOTL"

# ---------------------------------------------------------------------------
# Corridor measures (data/processed/corridors.parquet)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CorridorMeasure:
    id: str
    label: str
    unit: str
    provider: str
    dataset: str
    field: str
    note: str = ""


CORRIDOR_MEASURES: tuple[CorridorMeasure, ...] = (
    CorridorMeasure("migrant_stock", "International migrant stock, both sexes", "people",
                    "undesa", "migrant_stock_2024.csv", "migrants",
                    "origin = country of birth (or citizenship), "
                    "destination = country of residence"),
    CorridorMeasure("refugees", "Refugees", "people", "unhcr", "population", "refugees",
                    "origin = country of origin, destination = country of asylum"),
    CorridorMeasure("asylum_seekers", "Asylum-seekers", "people", "unhcr", "population",
                    "asylum_seekers"),
    CorridorMeasure("asylum_applications", "Asylum applications", "applications", "unhcr",
                    "asylum_applications", "applied"),
    CorridorMeasure("resettlement", "Refugees resettled", "people", "unhcr", "solutions",
                    "resettlement", "destination = country of resettlement"),
    CorridorMeasure("returned_refugees", "Refugees returned", "people", "unhcr", "solutions",
                    "returned_refugees",
                    "origin = the country returned to, destination = the asylum country left"),
)

# ---------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    paragraphs: tuple[int, ...]
    summary: str  # our own paraphrase of what the states committed to
    notebook: str
    indicators: tuple[str, ...]
    corridor_measures: tuple[str, ...] = field(default=())
    headline: str | None = None  # the overview dashboard's indicator for this theme


THEMES: tuple[Theme, ...] = (
    Theme(
        "overview", "Who met, and where the region stands", (1, 2, 13),
        "Senior officials of nine participating states, with observers and agencies, met to "
        "review labour migration and refugee solutions in Central Asia and agreed to keep the "
        "Almaty Process as their regional forum.",
        "01_overview.ipynb",
        ("population", "immigrant_stock", "emigrant_stock", "remittances_received_pct_gdp",
         "refugees_hosted"),
    ),
    Theme(
        "labour_migration", "Labour migration and skills", (2, 3, 4),
        "States wanted to make it easier, cheaper and quicker for skilled and in-demand workers "
        "to migrate, and to manage recruitment so that both sending and receiving economies gain.",
        "02_labour_migration.ipynb",
        ("immigrant_stock", "emigrant_stock", "immigrants_pct_population", "net_migration",
         "unemployment_pct", "gdp_per_capita_ppp", "population"),
        ("migrant_stock",),
        headline="emigrant_stock",
    ),
    Theme(
        "rights_irregular", "Workers' rights, regularisation and irregular migration", (4, 5, 7),
        "States undertook to protect migrant workers' rights, open routes to regular status and "
        "employment, and review how irregular migrants are identified, held and returned with "
        "safeguards for the vulnerable and for refugees.",
        "03_rights_irregular.ipynb",
        ("asylum_applications_abroad", "asylum_recognition_rate_abroad", "returned_refugees"),
        ("asylum_applications",),
        headline="asylum_applications_abroad",
    ),
    Theme(
        "trafficking_smuggling", "Trafficking and smuggling", (6,),
        "States reaffirmed regional cooperation against human trafficking, exploitation and "
        "migrant smuggling, including public information to prevent it.",
        "04_trafficking_smuggling.ipynb",
        (),
    ),
    Theme(
        "remittances", "Remittances", (8,),
        "States noted how much remittances matter to high-emigration economies and called for "
        "cooperation so that they can serve development, such as education and health.",
        "05_remittances.ipynb",
        ("remittances_received_usd", "remittances_received_pct_gdp", "remittances_paid_usd",
         "gdp_usd", "emigrant_stock"),
        headline="remittances_received_pct_gdp",
    ),
    Theme(
        "reentry_reintegration", "Re-entry bans and reintegration", (9, 10),
        "States discussed re-entry bans on Central Asian workers, better information for "
        "migrants on the risks of irregular work, and helping banned workers and returning "
        "refugees back into labour markets.",
        "06_reentry_reintegration.ipynb",
        ("emigrant_stock", "remittances_received_usd", "returned_refugees", "idps"),
        ("migrant_stock",),
        headline="returned_refugees",
    ),
    Theme(
        "refugee_self_reliance", "Refugees: protection and self-reliance", (2, 11),
        "States recognised the aim of refugee self-reliance and durable solutions in Central "
        "Asia, including through access to work and migration policy.",
        "07_refugee_self_reliance.ipynb",
        ("refugees_hosted", "refugees_abroad", "asylum_seekers_hosted", "asylum_seekers_abroad",
         "refugees_hosted_per_1000", "resettled_abroad", "naturalisations",
         "asylum_recognition_rate_abroad", "stateless"),
        ("refugees", "resettlement", "returned_refugees"),
        headline="refugees_hosted_per_1000",
    ),
    Theme(
        "mixed_flows", "Mixed flows and emergency preparedness", (12, 13),
        "States agreed to prepare better for emergencies so that responses to mixed flows of "
        "migrants and refugees are effective, with UNHCR and IOM support, and to keep regional "
        "dialogue on such flows.",
        "08_mixed_flows.ipynb",
        ("idps", "idps_idmc", "asylum_applications_abroad", "refugees_abroad"),
        ("asylum_applications", "refugees"),
        headline="idps",
    ),
)

COUNTRY_PROFILE_NOTEBOOK = "country_profile.ipynb"

# ---------------------------------------------------------------------------
# Look-ups
# ---------------------------------------------------------------------------

_STATES_BY_ISO3 = {s.iso3: s for s in STATES}
_INDICATORS_BY_ID = {i.id: i for i in INDICATORS}
_THEMES_BY_ID = {t.id: t for t in THEMES}
_MEASURES_BY_ID = {m.id: m for m in CORRIDOR_MEASURES}


def _lookup(table: dict, key: str, what: str):
    try:
        return table[key]
    except KeyError:
        known = ", ".join(table)
        raise KeyError(f"unknown {what} {key!r}; known: {known}") from None


def state(iso3: str) -> State:
    return _lookup(_STATES_BY_ISO3, iso3, "state")


def indicator(id_: str) -> Indicator:
    return _lookup(_INDICATORS_BY_ID, id_, "indicator")


def theme(id_: str) -> Theme:
    return _lookup(_THEMES_BY_ID, id_, "theme")


def corridor_measure(id_: str) -> CorridorMeasure:
    return _lookup(_MEASURES_BY_ID, id_, "corridor measure")


def state_codes(role: str | None = None) -> list[str]:
    return [s.iso3 for s in STATES if role is None or s.role == role]


def unknown_states(codes) -> list[str]:
    """The codes among `codes` that are not catalogue states (for parameter checks)."""
    known = set(state_codes())
    return [c for c in codes if c not in known]


def provider(id_: str) -> Provider:
    return _lookup({p.id: p for p in PROVIDERS}, id_, "provider")


def to_dict() -> dict:
    """The catalogue as plain data, for data/processed/catalogue.json."""
    indicators = []
    for ind in INDICATORS:
        row = asdict(ind)
        row["formula"] = ind.formula
        indicators.append(row)
    return {
        "states": [asdict(s) for s in STATES],
        "themes": [asdict(t) for t in THEMES],
        "indicators": indicators,
        "corridor_measures": [asdict(m) for m in CORRIDOR_MEASURES],
        "providers": [asdict(p) for p in PROVIDERS],
        "provider_special_codes": PROVIDER_SPECIAL_CODES,
    }

# ---------------------------------------------------------------------------
# Additions for the notebooks and the report
# ---------------------------------------------------------------------------

# The year of the meeting: the notebooks' baseline for "change since".
MEETING_YEAR = 2015

# The Central Asian states in the catalogue (for the notebooks on work in Russia and re-entry).
CENTRAL_ASIA: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


@dataclass(frozen=True)
class RecordMeasure:
    """A count taken from the IOM Missing Migrants records
    (data/processed/missing_migrants.parquet), usable as a key figure like an indicator. For a
    state it sums the records whose incident country is the state or whose listed origins
    include it."""

    id: str
    label: str
    unit: str
    provider: str
    code: str
    field: str


RECORD_MEASURES: tuple[RecordMeasure, ...] = (
    RecordMeasure("missing_migrants_dead_and_missing",
                  "Dead and missing migrants recorded (minimum count)", "people", "iom",
                  "Total Number of Dead and Missing", "dead_and_missing"),
)


@dataclass(frozen=True)
class SeriesNote:
    """A known break in a published series, written down next to the data it explains."""

    indicator: str
    iso3: str
    year: int
    note: str


SERIES_NOTES: tuple[SeriesNote, ...] = (
    SeriesNote("refugees_hosted", "IRN", 2022,
               "reclassification: from 2022 UNHCR's count for Iran includes Afghans in a "
               "refugee-like situation, so the jump is mostly a change of definition, not new "
               "arrivals"),
)

# The notebook for per-state profiles, as an id the report accepts in --themes.
COUNTRY_PROFILE_ID = "country_profile"

_RECORD_MEASURES_BY_ID = {m.id: m for m in RECORD_MEASURES}


def record_measure(id_: str) -> RecordMeasure:
    return _lookup(_RECORD_MEASURES_BY_ID, id_, "record measure")


def measure_label_unit(id_: str) -> tuple[str, str]:
    """Label and unit of a key figure's measure: a catalogue indicator or a record measure."""
    if id_ in _INDICATORS_BY_ID:
        ind = _INDICATORS_BY_ID[id_]
        return ind.label, ind.unit
    measure = record_measure(id_)
    return measure.label, measure.unit


def series_notes(indicator: str) -> list[SeriesNote]:
    return [n for n in SERIES_NOTES if n.indicator == indicator]
