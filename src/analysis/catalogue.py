"""The catalogue: the one place where states, themes, indicators and corridor measures are named.

Everything else (build, loading, plotting, notebooks, the report) reads names from here.
Theme summaries paraphrase the Almaty Process 2015 closing remarks in our own words;
paragraph numbers refer to `../shared/reference/almaty-process-2015-closing-remarks.txt`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.providers import Provider

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
    # -- borders, trafficking and emergencies (issue 12) --
    "EU27": "European Union, 27 member states (Eurostat's own aggregate; never added to them)",
    "STL": "Stateless (Eurostat, Frontex)",
    "STA": "Stateless (UNHCR flows)",
    "UKN": "Unknown or other origin (UNHCR flows)",
    "OOS": "Nationality not specified (Frontex)",
    # -- money and work (issue 11) --
    "KSV": "Kosovo (Remittance Prices Worldwide)",
}

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
    `only` keeps the raw rows whose column equals a value (e.g. new applications).
    """

    id: str
    label: str
    unit: str
    provider: str
    code: str
    dataset: str | None = None
    field: str | None = None
    by: str | None = None
    only: tuple[str, str] | None = None
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


def _unhcr(id_: str, label: str, dataset: str, field_: str, by: str,
           only: tuple[str, str] | None = None, unit: str = "people") -> Indicator:
    partner = "asylum country" if by == "coa" else "origin country"
    where = f" where {only[0]} = {only[1]}" if only else ""
    return Indicator(
        id_, label, unit, "unhcr", f"{dataset}.{field_}{where} by {partner}",
        dataset=dataset, field=field_, by=by, only=only,
    )


# UNHCR's "new asylum applications": application type N only.
NEW_APPLICATIONS = ("app_type", "N")


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
    # 1950-2023 from WPP 2024 estimates; 2024 on from its medium-variant projection (flag F),
    # the denominator UN DESA itself uses for its 2024 migrant-stock shares.
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
    # New applications only (UNHCR `app_type` N), as UNHCR's own "new asylum applications":
    # appeals, repeat and judicial claims are not new claims. Before 2006 the data do not split
    # applications by type (`V` everywhere but the United States): see OBSERVATION_NOTES.
    _unhcr("asylum_applications_abroad", "New asylum applications by nationals abroad",
           "asylum_applications", "applied", "coo", NEW_APPLICATIONS, "applications"),
    _unhcr("asylum_applications_hosted", "New asylum applications lodged in the country",
           "asylum_applications", "applied", "coa", NEW_APPLICATIONS, "applications"),
    Indicator("asylum_decisions_abroad",
              "Substantive asylum decisions on the country's nationals abroad", "decisions",
              "unhcr", "asylum_decisions: dec_recognized + dec_other + dec_rejected "
              "by origin country", dataset="asylum_decisions", by="coo"),
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
    _derived("immigrants_pct_population", "International migrants living in the country",
             "% of population", "immigrant_stock", "population", 100.0, max_value=100.0),
    # Emigrants can outnumber residents in principle, so no upper bound.
    _derived("emigrants_pct_population", "Emigrants living abroad, per 100 residents",
             "% of population", "emigrant_stock", "population", 100.0),
    Indicator("refugee_recognition_rate_abroad",
              "Refugee recognition rate of the country's nationals abroad",
              "% of substantive decisions", "unhcr",
              "asylum_decisions: dec_recognized / (dec_recognized + dec_other + dec_rejected)"
              " * 100 by origin country",
              dataset="asylum_decisions", by="coo", max_value=100.0),
    Indicator("total_protection_rate_abroad",
              "Total protection rate of the country's nationals abroad (refugee status or "
              "complementary protection)",
              "% of substantive decisions", "unhcr",
              "asylum_decisions: (dec_recognized + dec_other) / (dec_recognized + dec_other + "
              "dec_rejected) * 100 by origin country",
              dataset="asylum_decisions", by="coo", max_value=100.0),
    # -- borders, trafficking and emergencies (issue 12) -------------------------------------
    # UNODC GLOTIP: `code` is GLOTIP's indicator name; the state's total (Dimension, Sex and Age
    # all `Total`). `<5` is a suppressed small count: null with flag M. Detections measure the
    # authorities' response, not how many people are trafficked.
    Indicator("trafficking_victims_detected", "Detected victims of trafficking in persons",
              "victims", "unodc", "Detected trafficking victims", dataset="glotip.csv"),
    Indicator("trafficking_convictions", "Persons convicted of trafficking in persons",
              "persons", "unodc", "Persons convicted", dataset="glotip.csv"),
    # Eurostat: the source's own EU27 aggregate, both sexes and unknown sex summed.
    Indicator("eu_asylum_applicants",
              "First-time asylum applicants in the EU27 who are the country's nationals",
              "applicants", "eurostat", "migr_asyappctza applicant=FRST age=TOTAL geo=EU27_2020",
              dataset="asylum_applicants.csv"),
    # Frontex counts detections, not people: one person crossing twice is detected twice.
    Indicator("eu_irregular_crossings",
              "Detections of the country's nationals crossing EU external borders irregularly "
              "(detections, not people)", "detections", "frontex",
              "illegal border-crossings, annual sum of monthly detections by nationality",
              dataset="illegal_border_crossings.csv"),
    # IDMC: new displacements are events, not people (one person displaced twice counts twice).
    Indicator("new_displacements_conflict", "New internal displacements by conflict and violence",
              "displacements", "idmc", "GIDD new displacements, cause conflict",
              dataset="new_displacements.csv"),
    Indicator("new_displacements_disaster",
              "New internal displacements by disasters (all natural hazards)", "displacements",
              "idmc", "GIDD new displacements, sum of every natural-hazard cause",
              dataset="new_displacements.csv"),
    Indicator("refugee_arrivals_abroad",
              "The country's nationals newly arriving abroad as refugees, in refugee-like "
              "situations or as other people in need of international protection", "people",
              "unhcr", "flows: refugees + refugee_like + oip by origin country",
              dataset="flows", by="coo"),
    # -- money and work (issue 11): World Bank series; `dataset` names the raw file when it is
    # not worldbank/indicators.csv --
    # Net inflows: disinvestment can exceed new investment, so they can be negative.
    _wb("fdi_inflows_usd", "Foreign direct investment, net inflows", "current US$",
        "BX.KLT.DINV.CD.WD", min_value=None),
    _wb("age_dependency_ratio", "Age dependency ratio (dependants per 100 of working age)",
        "% of working-age population", "SP.POP.DPND"),
    _wb("health_expenditure_pct_gdp", "Current health expenditure", "% of GDP",
        "SH.XPD.CHEX.GD.ZS", dataset="wdi_social_spending.csv", max_value=100.0),
    _wb("education_expenditure_pct_gdp", "Government expenditure on education", "% of GDP",
        "SE.XPD.TOTL.GD.ZS", dataset="wdi_social_spending.csv", max_value=100.0),
)

# The last year the WPP projection supplies as a denominator: the year of the latest migrant
# stock estimate (2024). Later projection years are forecasts that no share needs.
POPULATION_PROJECTION_LAST_YEAR = 2024

# Rates from fewer substantive decisions than this are flagged U (low reliability).
MIN_DECISIONS_FOR_RATE = 100

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
    only: tuple[str, str] | None = None  # keep raw rows whose column equals a value


CORRIDOR_MEASURES: tuple[CorridorMeasure, ...] = (
    CorridorMeasure("migrant_stock", "International migrant stock, both sexes", "people",
                    "undesa", "migrant_stock_2024.csv", "migrants",
                    "origin = country of birth (or citizenship), "
                    "destination = country of residence"),
    CorridorMeasure("refugees", "Refugees", "people", "unhcr", "population", "refugees",
                    "origin = country of origin, destination = country of asylum"),
    CorridorMeasure("asylum_seekers", "Asylum-seekers", "people", "unhcr", "population",
                    "asylum_seekers"),
    CorridorMeasure("asylum_applications", "New asylum applications", "applications", "unhcr",
                    "asylum_applications", "applied", "new applications only (app_type N)",
                    NEW_APPLICATIONS),
    CorridorMeasure("resettlement", "Refugees resettled", "people", "unhcr", "solutions",
                    "resettlement", "destination = country of resettlement"),
    CorridorMeasure("returned_refugees", "Refugees returned", "people", "unhcr", "solutions",
                    "returned_refugees",
                    "origin = the country returned to, destination = the asylum country left"),
    # -- borders, trafficking and emergencies (issue 12) -------------------------------------
    CorridorMeasure("trafficking_victims", "Detected victims of trafficking, by citizenship",
                    "victims", "unodc", "glotip.csv", "txtVALUE",
                    "origin = the victims' citizenship, destination = the country that detected "
                    "them; domestic victims, regional and unknown citizenships left out; <5 is "
                    "null with flag M"),
    CorridorMeasure("eu_asylum_applicants", "First-time asylum applicants in the EU+",
                    "applicants", "eurostat", "asylum_applicants.csv", "applicants",
                    "origin = citizenship, destination = each EU+ country (members and "
                    "non-members), never the EU27 aggregate"),
    # -- money and work (issue 11): money flows destination -> origin, the migrants' direction
    # kept (origin = the country receiving the money, destination = the country sending it) --
    CorridorMeasure("remittances_estimated_usd", "Bilateral remittances, modelled estimate",
                    "current US$", "knomad", "bilateral_remittances", "usd_million",
                    "KNOMAD model from migrant stocks and incomes (US$ million x 1e6), flag E; "
                    "origin = receiving country, destination = sending country; estimates "
                    "need not add up to recorded receipts"),
    CorridorMeasure("remittance_cost_pct", "Average total cost of sending US$200",
                    "% of amount sent", "rpw", "corridor_costs", "avg_total_cost_pct",
                    "mean of the year's surveyed quarters; origin = receiving country, "
                    "destination = sending country; SDG target 10.c: 3%"),
)

# ---------------------------------------------------------------------------
# Breakdown tables: processed tables that are not one number per state and year
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownTable:
    name: str  # data/processed/<name>.parquet
    provider: str
    state_column: str  # the catalogue state a row belongs to
    value_column: str
    columns: tuple[str, ...]  # the breakdown columns (a claim's `select` may pin them)
    label_columns: tuple[str, ...]  # those naming a row's category in a chart's data
    unit: str | None  # None: the unit of the row's `indicator`


BREAKDOWN_TABLES: tuple[BreakdownTable, ...] = (
    BreakdownTable("trafficking_breakdowns", "unodc", "iso3", "value",
                   ("indicator", "dimension", "category", "category_iso3", "sex", "age", "part"),
                   ("dimension", "category", "sex", "age"), None),
    BreakdownTable("frontex_routes", "frontex", "nationality_iso3", "detections",
                   ("route", "type"), ("route", "type"), "detections"),
    BreakdownTable("displacement_by_cause", "idmc", "iso3", "new_displacements",
                   ("kind", "cause"), ("kind", "cause"), "displacements"),
)

# IDMC's hazard names (displacement_by_cause `cause`) as a sentence writes them.
HAZARD_WORDS = {"flood": "floods", "earthquake": "earthquakes", "storm": "storms",
                "drought": "drought", "mass movement": "landslides and other mass movements",
                "wildfire": "wildfires", "extreme temperature": "extreme temperatures",
                "volcanic activity": "volcanic activity", "erosion": "erosion",
                "wave action": "wave action"}


@dataclass(frozen=True)
class DisasterEvent:
    """A disaster known by name, for the state where IDMC records its displacements."""
    name: str
    month: str | None = None  # the month it struck, where the name alone does not date it


# Disasters known by name (state, year, IDMC cause). A caption names one only where the data
# show that hazard as the state's largest cause that year.
DISASTER_EVENTS: dict[tuple[str, int, str], DisasterEvent] = {
    ("PAK", 2010, "flood"): DisasterEvent("Indus floods"),
    ("PAK", 2022, "flood"): DisasterEvent("monsoon floods"),
    ("TUR", 2023, "earthquake"): DisasterEvent("Kahramanmaraş earthquakes", "February"),
    ("AFG", 2022, "earthquake"): DisasterEvent("Paktika earthquake", "June"),
    ("AFG", 2023, "earthquake"): DisasterEvent("Herat earthquakes", "October"),
    ("CHN", 2008, "earthquake"): DisasterEvent("Wenchuan earthquake", "May"),
    ("UZB", 2020, "flood"): DisasterEvent("Sardoba dam failure", "May"),
    ("KAZ", 2020, "flood"): DisasterEvent("flooding from the upstream Sardoba dam failure",
                                          "May"),
}


def disaster_event(iso3: str, year: int, cause: str) -> str | None:
    """A named disaster's words, dated ("Herat earthquakes of October 2023"), or None."""
    event = DISASTER_EVENTS.get((iso3, int(year), cause))
    if event is None:
        return None
    return f"{event.name} of {f'{event.month} {year}' if event.month else year}"


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
        ("immigrant_stock", "emigrant_stock", "immigrants_pct_population",
         "emigrants_pct_population", "net_migration",
         "unemployment_pct", "gdp_per_capita_ppp", "population", "age_dependency_ratio"),
        ("migrant_stock", "remittances_estimated_usd"),
        headline="emigrant_stock",
    ),
    Theme(
        "rights_irregular", "Workers' rights, regularisation and irregular migration", (4, 5, 7),
        "States undertook to protect migrant workers' rights, open routes to regular status and "
        "employment, and review how irregular migrants are identified, held and returned with "
        "safeguards for the vulnerable and for refugees.",
        "03_rights_irregular.ipynb",
        ("asylum_applications_abroad", "asylum_decisions_abroad",
         "refugee_recognition_rate_abroad", "total_protection_rate_abroad", "returned_refugees",
         "stateless", "eu_asylum_applicants", "eu_irregular_crossings"),
        ("asylum_applications", "eu_asylum_applicants"),
        headline="asylum_applications_abroad",
    ),
    Theme(
        "trafficking_smuggling", "Trafficking and smuggling", (6,),
        "States reaffirmed regional cooperation against human trafficking, exploitation and "
        "migrant smuggling, including public information to prevent it.",
        "04_trafficking_smuggling.ipynb",
        ("trafficking_victims_detected", "trafficking_convictions"),
        ("trafficking_victims",),
    ),
    Theme(
        "remittances", "Remittances", (8,),
        "States noted how much remittances matter to high-emigration economies and called for "
        "cooperation so that they can serve development, such as education and health.",
        "05_remittances.ipynb",
        ("remittances_received_usd", "remittances_received_pct_gdp", "remittances_paid_usd",
         "gdp_usd", "emigrant_stock", "fdi_inflows_usd", "health_expenditure_pct_gdp",
         "education_expenditure_pct_gdp"),
        ("remittances_estimated_usd", "remittance_cost_pct"),
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
         "asylum_decisions_abroad", "refugee_recognition_rate_abroad",
         "total_protection_rate_abroad", "stateless"),
        ("refugees", "resettlement", "returned_refugees"),
        headline="refugees_hosted_per_1000",
    ),
    Theme(
        "mixed_flows", "Mixed flows and emergency preparedness", (12, 13),
        "States agreed to prepare better for emergencies so that responses to mixed flows of "
        "migrants and refugees are effective, with UNHCR and IOM support, and to keep regional "
        "dialogue on such flows.",
        "08_mixed_flows.ipynb",
        ("idps", "idps_idmc", "asylum_applications_abroad", "refugees_abroad",
         "new_displacements_conflict", "new_displacements_disaster", "refugee_arrivals_abroad"),
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
_BREAKDOWNS_BY_NAME = {t.name: t for t in BREAKDOWN_TABLES}


def _lookup(table: dict, key: str, what: str):
    try:
        return table[key]
    except KeyError:
        known = ", ".join(table)
        raise KeyError(f"unknown {what} {key!r}; known: {known}") from None


def state(iso3: str) -> State:
    return _lookup(_STATES_BY_ISO3, iso3, "state")


def breakdown_table(name: str) -> BreakdownTable:
    return _lookup(_BREAKDOWNS_BY_NAME, name, "breakdown table")


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
    """The provider an indicator or measure names (its display name, files, ...). Providers are
    defined in analysis.providers, one module each; the catalogue refers to them by id."""
    from analysis import providers  # not at the top: provider modules read the catalogue

    return providers.get(id_)


def to_dict() -> dict:
    """The catalogue as plain data, for data/processed/catalogue.json."""
    from analysis import providers  # as in provider()

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
        "providers": [p.to_dict() for p in providers.all_providers()],
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
    (data/processed/missing_migrants.parquet), usable as a key figure like an indicator.
    `by` "incident": records whose incident took place in the state; "origin": records that
    list the state among the origins of the dead and missing. The two are separate measures
    and never added: one death in Iran of an Afghan national counts once in each."""

    id: str
    label: str
    unit: str
    provider: str
    code: str
    field: str
    by: str


RECORD_MEASURES: tuple[RecordMeasure, ...] = (
    RecordMeasure("missing_migrants_in_country",
                  "Migrants recorded dead or missing in the country (minimum count)", "people",
                  "iom", "Total Number of Dead and Missing, by country of incident",
                  "dead_and_missing", "incident"),
    RecordMeasure("missing_migrants_of_nationals",
                  "The country's nationals recorded dead or missing on migration routes "
                  "(minimum count)", "people", "iom",
                  "Total Number of Dead and Missing, by country of origin",
                  "dead_and_missing", "origin"),
)


# ---------------------------------------------------------------------------
# Observation flags and the reviewed list of breaks, placeholders and events
# ---------------------------------------------------------------------------

# SDMX observation status codes (the code list Eurostat, the IMF and the UN use).
FLAG_MEANINGS: dict[str, str] = {
    "B": "break in series",
    "E": "estimated or modelled",
    "F": "forecast or projection",
    "M": "missing: the provider's zero or placeholder means not reported",
    "P": "provisional (part of the year)",
    "U": "low reliability",
}
# When several rules touch one observation, the first code here wins: a missing value is
# missing whatever else holds, and a break matters more to a reader than an estimate.
FLAG_PRECEDENCE: tuple[str, ...] = ("M", "B", "U", "P", "F", "E")


@dataclass(frozen=True)
class ObservationNote:
    """One reviewed statement about published observations: a break in series, a provider's
    zero or carried-forward figure that means "not reported", or an exceptional but real value
    (flag ""), each with its reason and the source for it.

    `label` is a short phrase for sentences ("Iran's reclassification of Afghans in a
    refugee-like situation as refugees"): no digits, since a finding's numbers go through the
    claims ledger and its years are written by the sentence. Every break has one.

    `iso3` None applies to every state; `years` None to every year; `only_zero` restricts the
    note to observations the provider published as exactly 0. Corridor notes name a `measure`
    and an `origin`/`destination` pair instead of an indicator and a state (None: every one).
    """

    flag: str
    reason: str
    source: str
    indicator: str | None = None
    iso3: str | None = None
    years: tuple[int, ...] | None = None
    only_zero: bool = False
    measure: str | None = None
    origin: str | None = None
    destination: str | None = None
    label: str = ""

    def covers(self, year: int) -> bool:
        return self.years is None or year in self.years


_IRAN_2022 = ("reclassification: from 2022 UNHCR's refugee figure for Iran includes Afghans in "
              "a refugee-like situation (Iran's headcount exercise), so the jump from about "
              "0.8 million to 3.4 million is mostly a change of definition, not new arrivals")
_IRAN_2025 = ("reclassification: from mid-2025 UNHCR splits Iran's Afghans into refugees and "
              "other people in need of international protection, so the refugee count falls "
              "by a definition change")
_IRAN_2022_LABEL = ("Iran's reclassification of Afghans in a refugee-like situation as "
                    "refugees")
_IRAN_2025_LABEL = ("UNHCR's reclassification of part of Iran's Afghans as other people in "
                    "need of international protection")
_IRAN_SOURCE = ("UNHCR, Global Trends: Forced Displacement in 2022 (Iran's figures); UNHCR "
                "population statistics mid-2025 for Iran (refugees 770,514; other people in need "
                "of international protection 879,500)")

_ASYLUM_SEEKERS_BEFORE_2000 = ("UNHCR's asylum-seeker statistics (pending claims) start in "
                              "2000: every country's figure before is published as 0, which "
                              "means not reported (the United States: 0 in 1999, 386,303 in "
                              "2000)")
_ASYLUM_SEEKERS_SOURCE = ("UNHCR population statistics, asylum_seekers, 1951-1999 (0 for every "
                          "country)")
_ASYLUM_SEEKERS_LABEL = "UNHCR's asylum-seeker statistics not yet started"
_BEFORE_2000 = tuple(range(FIRST_YEAR, 2000))

OBSERVATION_NOTES: tuple[ObservationNote, ...] = (
    # -- breaks in series ------------------------------------------------------------------
    ObservationNote("B", _IRAN_2022, _IRAN_SOURCE, "refugees_hosted", "IRN", (2022,),
                    label=_IRAN_2022_LABEL),
    ObservationNote("B", _IRAN_2025, _IRAN_SOURCE, "refugees_hosted", "IRN", (2025,),
                    label=_IRAN_2025_LABEL),
    ObservationNote("B", "Iran's reclassification of Afghans in 2022 (see refugees hosted in "
                    "Iran) carries into the count of Afghan refugees worldwide",
                    _IRAN_SOURCE, "refugees_abroad", "AFG", (2022,), label=_IRAN_2022_LABEL),
    ObservationNote("B", "Iran's reclassification of Afghans in 2025 (see refugees hosted in "
                    "Iran) carries into the count of Afghan refugees worldwide",
                    _IRAN_SOURCE, "refugees_abroad", "AFG", (2025,), label=_IRAN_2025_LABEL),
    ObservationNote("B", _IRAN_2022, _IRAN_SOURCE, measure="refugees", origin="AFG",
                    destination="IRN", years=(2022,), label=_IRAN_2022_LABEL),
    ObservationNote("B", _IRAN_2025, _IRAN_SOURCE, measure="refugees", origin="AFG",
                    destination="IRN", years=(2025,), label=_IRAN_2025_LABEL),
    ObservationNote("M", "UNHCR stopped reporting Pakistan's conflict-displaced population in "
                    "2022: the zero means no figure, not that every IDP found a solution",
                    "UNHCR population statistics for Pakistan, 2022-2025", "idps", "PAK",
                    (2022, 2023, 2025), only_zero=True,
                    label="UNHCR no longer reporting Pakistan's conflict-displaced population"),
    ObservationNote("B", "a single figure after reporting stopped in 2022; not a continuation "
                    "of the series up to 2021", "UNHCR population statistics for Pakistan",
                    "idps", "PAK", (2024,),
                    label="a single figure after UNHCR stopped reporting Pakistan's "
                    "internally displaced people"),
    # -- figures that mean "not reported" ---------------------------------------------------
    ObservationNote("M", "before 2006 UNHCR's asylum data do not split applications by type "
                    "(every asylum country but the United States reports all types together), "
                    "so new applications cannot be told apart from repeat claims and appeals",
                    "UNHCR asylum applications, 2000-2005 (application type V)",
                    "asylum_applications_abroad", years=tuple(range(2000, 2006)),
                    label="UNHCR's asylum data not yet telling new applications apart"),
    ObservationNote("M", "the World Bank publishes 0 where no remittance inflows are "
                    "reported; a country with emigrants does not receive nothing",
                    "World Bank WDI, BX.TRF.PWKR.CD.DT (Iran and Turkmenistan report none; "
                    "Afghanistan none before 2008)",
                    "remittances_received_usd", only_zero=True,
                    label="a published zero meaning no remittance inflows reported"),
    ObservationNote("M", "the World Bank publishes 0 where no remittance outflows are reported",
                    "World Bank WDI, BM.TRF.PWKR.CD.DT", "remittances_paid_usd",
                    only_zero=True,
                    label="a published zero meaning no remittance outflows reported"),
    ObservationNote("E", "the last figure before Afghanistan's central bank stopped publishing "
                    "its balance of payments after August 2021; the World Bank repeats it "
                    "unchanged for 2022 and 2023", "World Bank WDI, BX.TRF.PWKR.CD.DT for "
                    "Afghanistan (US$320 million in 2021, 2022 and 2023)",
                    "remittances_received_usd", "AFG", (2021,),
                    label="the last figure before Afghanistan's central bank stopped "
                    "publishing its balance of payments"),
    ObservationNote("M", "the 2021 figure carried forward unchanged: no remittance data were "
                    "reported for Afghanistan after August 2021", "World Bank WDI, "
                    "BX.TRF.PWKR.CD.DT for Afghanistan", "remittances_received_usd", "AFG",
                    (2022, 2023),
                    label="the previous figure carried forward: not reported"),
    ObservationNote("E", "the Iranian government's figure of 2015 republished unchanged by "
                    "UNHCR for 2016-2019 (979,435 each year): a carried-forward estimate, not "
                    "a yearly count", "UNHCR population statistics for Iran, 2015-2019",
                    "refugees_hosted", "IRN", (2016, 2017, 2018, 2019),
                    label="the Iranian government's earlier figure republished unchanged"),
    ObservationNote("E", "UNHCR's flows repeat one figure from Iran, 97,745 Afghans newly "
                    "in a refugee-like situation, in every year from 2001 to 2020: a "
                    "carried-forward figure, not a yearly count, and most of each year's total",
                    "UNHCR flows data (refugee_like, Afghanistan to Iran, 2001-2020)",
                    "refugee_arrivals_abroad", "AFG", tuple(range(2002, 2021)),
                    label="Iran's figure of Afghan arrivals repeated unchanged each year"),
    ObservationNote("M", "UNHCR counts internally displaced people only where it runs or "
                    "supports an IDP operation; its zero elsewhere means not reported, not "
                    "that no one is displaced", "UNHCR Refugee Data Finder, methodology: IDPs",
                    "idps", only_zero=True,
                    label="a zero where UNHCR runs no operation for internally displaced "
                    "people: not reported"),
    *(ObservationNote("M", _ASYLUM_SEEKERS_BEFORE_2000, _ASYLUM_SEEKERS_SOURCE, ind,
                      years=_BEFORE_2000, only_zero=True, label=_ASYLUM_SEEKERS_LABEL)
      for ind in ("asylum_seekers_hosted", "asylum_seekers_abroad")),
    ObservationNote("M", _ASYLUM_SEEKERS_BEFORE_2000, _ASYLUM_SEEKERS_SOURCE,
                    measure="asylum_seekers", years=_BEFORE_2000, only_zero=True,
                    label=_ASYLUM_SEEKERS_LABEL),
    ObservationNote("M", "UNHCR publishes 0 for stateless people where it has no figure: its "
                    "statelessness statistics cover only countries with data, so a zero is not "
                    "a count of none (Uzbekistan: 0 for 2008-2013, then 86,703 in 2014; the "
                    "United States: 0 in most years)", "UNHCR Refugee Data Finder, "
                    "methodology: stateless persons; UNHCR Global Trends annex tables",
                    "stateless", only_zero=True,
                    label="a zero where UNHCR has no figure on stateless people: not reported"),
    # -- real but exceptional values --------------------------------------------------------
    ObservationNote("", "likely the departure of Karabakh's Armenian population in late "
                    "September 2023 (UNHCR counted 115,183 refugees who fled Karabakh to "
                    "Armenia)", "UNHCR Armenia factsheet, February 2024", "net_migration",
                    "AZE", (2023,),
                    label="likely the departure of Karabakh's Armenian population"),
)

# Why a computed flag is set (rules in the build rather than notes on single observations).
RULE_REASONS: dict[str, str] = {
    "U": f"a rate from fewer than {MIN_DECISIONS_FOR_RATE} substantive decisions",
    "F": "UN DESA World Population Prospects 2024, medium-variant projection",
    "P": "the provider's latest year is only partly covered (e.g. UNHCR's mid-year figures)",
}


# Why a provider module's rule flags an indicator (set beside the code, not by a note on single
# observations): (indicator, flag) -> reason. Borders, trafficking and emergencies (issue 12).
_GLOTIP_SUPPRESSED = ("UNODC publishes counts under five as '<5' (suppressed for "
                      "confidentiality): not zero and not a number, so no value")
INDICATOR_RULE_REASONS: dict[tuple[str, str], str] = {
    ("trafficking_victims_detected", "M"): _GLOTIP_SUPPRESSED,
    ("trafficking_convictions", "M"): _GLOTIP_SUPPRESSED,
    ("eu_irregular_crossings", "P"): "Frontex's running year: only the months published so far",
}


def observation_notes(indicator: str | None = None, iso3: str | None = None, *,
                      measure: str | None = None) -> list[ObservationNote]:
    """The reviewed notes for an indicator (and state) or a corridor measure."""
    out = []
    for note in OBSERVATION_NOTES:
        if measure is not None:
            if note.measure == measure:
                out.append(note)
        elif note.indicator == indicator and (iso3 is None or note.iso3 in (None, iso3)):
            out.append(note)
    return out


def flag_reason(indicator: str, iso3: str, year: int, flag: str) -> str | None:
    """The written reason for one observation's flag: its reviewed note (for a derived
    indicator, the note on the input it inherited the flag from), else the rule."""
    if not flag:
        return None
    ind = _INDICATORS_BY_ID.get(indicator)
    inputs = [ind.numerator, ind.denominator] if ind and ind.provider == "derived" else []
    for source in [indicator, *inputs]:
        notes = [n for n in observation_notes(source, iso3)
                 if n.flag == flag and n.covers(year) and n.iso3 in (None, iso3)]
        # A note naming the state says more than one for every state.
        notes.sort(key=lambda n: n.iso3 is None)
        if notes:
            return notes[0].reason
    return INDICATOR_RULE_REASONS.get((indicator, flag)) or RULE_REASONS.get(flag) \
        or FLAG_MEANINGS.get(flag)


def break_label(indicator: str, iso3: str, year: int) -> str | None:
    """The short wording of the series break (flag B) in one observation, for a sentence
    (no digits: the sentence writes the year): the reviewed note's `label`, for a derived
    indicator the label of the input it inherited the break from (as `flag_reason`), a note
    naming the state before one for every state. None when no note records a break there."""
    ind = _INDICATORS_BY_ID.get(indicator)
    inputs = [ind.numerator, ind.denominator] if ind and ind.provider == "derived" else []
    for source in [indicator, *inputs]:
        notes = [n for n in observation_notes(source, iso3)
                 if n.flag == "B" and n.covers(int(year)) and n.label]
        notes.sort(key=lambda n: n.iso3 is None)
        if notes:
            return notes[0].label
    return None


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


def definitions(indicators=(), measures=(), records=()) -> list[dict]:
    """What each named series counts, for a chart's "Definitions and caveats": label, unit
    and where it comes from (provider and code, or the formula of a derived indicator, whose
    inputs are defined too), plus a corridor measure's orientation note."""
    out, seen = [], set()

    def add(entry: dict) -> None:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            out.append(entry)

    def add_indicator(id_: str) -> None:
        ind = indicator(id_)
        if ind.provider == "derived":
            num, den = indicator(ind.numerator), indicator(ind.denominator)
            how = f"{num.label} / {den.label} x {ind.factor:g}"
        else:
            how = f"{provider(ind.provider).name}: {ind.code}"
        add({"id": ind.id, "label": ind.label, "unit": ind.unit, "definition": how})
        if ind.provider == "derived":
            add_indicator(ind.numerator)
            add_indicator(ind.denominator)

    for id_ in indicators:
        add_indicator(id_)
    for id_ in measures:
        m = corridor_measure(id_)
        how = f"{provider(m.provider).name}: {m.dataset}.{m.field}"
        add({"id": m.id, "label": m.label, "unit": m.unit,
             "definition": f"{how}; {m.note}" if m.note else how})
    for id_ in records:
        r = record_measure(id_)
        add({"id": r.id, "label": r.label, "unit": r.unit,
             "definition": f"{provider(r.provider).name}: {r.code}"})
    return out

