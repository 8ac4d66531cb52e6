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
# How a chart marks a state that did not take part as a participant (issue 19, item 5): its
# label carries the role, so an observer or comparator is never read as one of the nine.
ROLE_MARKS = {OBSERVER: "observer", COMPARATOR: "comparator"}


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
    "OOO": "Other or unknown origins, not specified (UN DESA; Frontex \"Not specified\")",
    "XCX": "Channel Islands (UN DESA)",
    "ANT": "Netherlands Antilles (former, World Bank)",
    "CHI": "Channel Islands (World Bank)",
    "XKX": "Kosovo (World Bank)",
    # -- borders, trafficking and emergencies (issue 12) --
    "EU27": "European Union, 27 member states (Eurostat's own aggregate; never added to them)",
    "STL": "Stateless (Eurostat, Frontex)",
    "STA": "Stateless (UNHCR flows)",
    "UKN": "Unknown or other origin (UNHCR flows)",
    "OOS": "Unspecified sub-Saharan nationals (Frontex)",
    # -- money and work (issue 11) --
    "KSV": "Kosovo (Remittance Prices Worldwide)",
}

# ---------------------------------------------------------------------------
# Names of countries and territories (issue 19, item 6)
# ---------------------------------------------------------------------------

# The English name the UN uses for every code the report can name: the UN Statistics
# Division's "Standard country or area codes for statistical use" (M49), as UN DESA prints
# them (M49's "China, Hong Kong Special Administrative Region" is UN DESA's "China, Hong Kong
# SAR"). The catalogue's states keep their State.name, the short form in use at the UN for
# them (M49: "Iran (Islamic Republic of)", "Russian Federation", "United States of America"),
# the same in every caption, chart, CSV and page. Taiwan and Kosovo, which M49 does not list,
# as UN DESA and UNODC write them (Kosovo with its reference to Security Council resolution
# 1244). Every name the report prints for a code comes from here (`un_name`).
UN_NAMES: dict[str, str] = {
    "ABW": "Aruba", "AFG": "Afghanistan", "AGO": "Angola", "AIA": "Anguilla",
    "ALA": "Åland Islands", "ALB": "Albania", "AND": "Andorra", "ARE": "United Arab Emirates",
    "ARG": "Argentina", "ARM": "Armenia", "ASM": "American Samoa", "ATA": "Antarctica",
    "ATF": "French Southern Territories", "ATG": "Antigua and Barbuda", "AUS": "Australia",
    "AUT": "Austria", "AZE": "Azerbaijan", "BDI": "Burundi", "BEL": "Belgium", "BEN": "Benin",
    "BES": "Bonaire, Sint Eustatius and Saba", "BFA": "Burkina Faso", "BGD": "Bangladesh",
    "BGR": "Bulgaria", "BHR": "Bahrain", "BHS": "Bahamas", "BIH": "Bosnia and Herzegovina",
    "BLM": "Saint Barthélemy", "BLR": "Belarus", "BLZ": "Belize", "BMU": "Bermuda",
    "BOL": "Bolivia (Plurinational State of)", "BRA": "Brazil", "BRB": "Barbados",
    "BRN": "Brunei Darussalam", "BTN": "Bhutan", "BVT": "Bouvet Island", "BWA": "Botswana",
    "CAF": "Central African Republic", "CAN": "Canada", "CCK": "Cocos (Keeling) Islands",
    "CHE": "Switzerland", "CHL": "Chile", "CHN": "China", "CIV": "Côte d'Ivoire",
    "CMR": "Cameroon", "COD": "Democratic Republic of the Congo", "COG": "Congo",
    "COK": "Cook Islands", "COL": "Colombia", "COM": "Comoros", "CPV": "Cabo Verde",
    "CRI": "Costa Rica", "CUB": "Cuba", "CUW": "Curaçao", "CXR": "Christmas Island",
    "CYM": "Cayman Islands", "CYP": "Cyprus", "CZE": "Czechia", "DEU": "Germany",
    "DJI": "Djibouti", "DMA": "Dominica", "DNK": "Denmark", "DOM": "Dominican Republic",
    "DZA": "Algeria", "ECU": "Ecuador", "EGY": "Egypt", "ERI": "Eritrea",
    "ESH": "Western Sahara", "ESP": "Spain", "EST": "Estonia", "ETH": "Ethiopia",
    "FIN": "Finland", "FJI": "Fiji", "FLK": "Falkland Islands (Malvinas)", "FRA": "France",
    "FRO": "Faroe Islands", "FSM": "Micronesia (Federated States of)", "GAB": "Gabon",
    "GBR": "United Kingdom of Great Britain and Northern Ireland", "GEO": "Georgia",
    "GGY": "Guernsey", "GHA": "Ghana", "GIB": "Gibraltar", "GIN": "Guinea",
    "GLP": "Guadeloupe", "GMB": "Gambia", "GNB": "Guinea-Bissau", "GNQ": "Equatorial Guinea",
    "GRC": "Greece", "GRD": "Grenada", "GRL": "Greenland", "GTM": "Guatemala",
    "GUF": "French Guiana", "GUM": "Guam", "GUY": "Guyana", "HKG": "China, Hong Kong SAR",
    "HMD": "Heard Island and McDonald Islands", "HND": "Honduras", "HRV": "Croatia",
    "HTI": "Haiti", "HUN": "Hungary", "IDN": "Indonesia", "IMN": "Isle of Man", "IND": "India",
    "IOT": "British Indian Ocean Territory", "IRL": "Ireland", "IRN": "Iran", "IRQ": "Iraq",
    "ISL": "Iceland", "ISR": "Israel", "ITA": "Italy", "JAM": "Jamaica", "JEY": "Jersey",
    "JOR": "Jordan", "JPN": "Japan", "KAZ": "Kazakhstan", "KEN": "Kenya", "KGZ": "Kyrgyzstan",
    "KHM": "Cambodia", "KIR": "Kiribati", "KNA": "Saint Kitts and Nevis",
    "KOR": "Republic of Korea", "KWT": "Kuwait", "LAO": "Lao People's Democratic Republic",
    "LBN": "Lebanon", "LBR": "Liberia", "LBY": "Libya", "LCA": "Saint Lucia",
    "LIE": "Liechtenstein", "LKA": "Sri Lanka", "LSO": "Lesotho", "LTU": "Lithuania",
    "LUX": "Luxembourg", "LVA": "Latvia", "MAC": "China, Macao SAR",
    "MAF": "Saint Martin (French part)", "MAR": "Morocco", "MCO": "Monaco",
    "MDA": "Republic of Moldova", "MDG": "Madagascar", "MDV": "Maldives", "MEX": "Mexico",
    "MHL": "Marshall Islands", "MKD": "North Macedonia", "MLI": "Mali", "MLT": "Malta",
    "MMR": "Myanmar", "MNE": "Montenegro", "MNG": "Mongolia", "MNP": "Northern Mariana Islands",
    "MOZ": "Mozambique", "MRT": "Mauritania", "MSR": "Montserrat", "MTQ": "Martinique",
    "MUS": "Mauritius", "MWI": "Malawi", "MYS": "Malaysia", "MYT": "Mayotte", "NAM": "Namibia",
    "NCL": "New Caledonia", "NER": "Niger", "NFK": "Norfolk Island", "NGA": "Nigeria",
    "NIC": "Nicaragua", "NIU": "Niue", "NLD": "Netherlands (Kingdom of the)", "NOR": "Norway",
    "NPL": "Nepal", "NRU": "Nauru", "NZL": "New Zealand", "OMN": "Oman", "PAK": "Pakistan",
    "PAN": "Panama", "PCN": "Pitcairn", "PER": "Peru", "PHL": "Philippines", "PLW": "Palau",
    "PNG": "Papua New Guinea", "POL": "Poland", "PRI": "Puerto Rico",
    "PRK": "Democratic People's Republic of Korea", "PRT": "Portugal", "PRY": "Paraguay",
    "PSE": "State of Palestine", "PYF": "French Polynesia", "QAT": "Qatar", "REU": "Réunion",
    "ROU": "Romania", "RUS": "Russia", "RWA": "Rwanda", "SAU": "Saudi Arabia", "SDN": "Sudan",
    "SEN": "Senegal", "SGP": "Singapore", "SGS": "South Georgia and the South Sandwich Islands",
    "SHN": "Saint Helena", "SJM": "Svalbard and Jan Mayen Islands", "SLB": "Solomon Islands",
    "SLE": "Sierra Leone", "SLV": "El Salvador", "SMR": "San Marino", "SOM": "Somalia",
    "SPM": "Saint Pierre and Miquelon", "SRB": "Serbia", "SSD": "South Sudan",
    "STP": "Sao Tome and Principe", "SUR": "Suriname", "SVK": "Slovakia", "SVN": "Slovenia",
    "SWE": "Sweden", "SWZ": "Eswatini", "SXM": "Sint Maarten (Dutch part)", "SYC": "Seychelles",
    "SYR": "Syrian Arab Republic", "TCA": "Turks and Caicos Islands", "TCD": "Chad",
    "TGO": "Togo", "THA": "Thailand", "TJK": "Tajikistan", "TKL": "Tokelau",
    "TKM": "Turkmenistan", "TLS": "Timor-Leste", "TON": "Tonga", "TTO": "Trinidad and Tobago",
    "TUN": "Tunisia", "TUR": "Türkiye", "TUV": "Tuvalu",
    "TWN": "China, Taiwan Province of China", "TZA": "United Republic of Tanzania",
    "UGA": "Uganda", "UKR": "Ukraine", "UMI": "United States Minor Outlying Islands",
    "URY": "Uruguay", "USA": "United States", "UZB": "Uzbekistan", "VAT": "Holy See",
    "VCT": "Saint Vincent and the Grenadines", "VEN": "Venezuela (Bolivarian Republic of)",
    "VGB": "British Virgin Islands", "VIR": "United States Virgin Islands", "VNM": "Viet Nam",
    "VUT": "Vanuatu", "WLF": "Wallis and Futuna Islands", "WSM": "Samoa",
    "XCX": "Channel Islands", "XKX": "Kosovo (under UNSC res. 1244)", "YEM": "Yemen",
    "ZAF": "South Africa", "ZMB": "Zambia", "ZWE": "Zimbabwe",
}

# Providers' codes for a territory that has another code above: named as that one.
CODE_ALIASES: dict[str, str] = {"KSV": "XKX", "CHI": "XCX"}

# Provider spellings -> code, for labels that are not the UN name (matched ignoring case and
# runs of spaces): country_converter's short names, the World Bank's, UNHCR's, IOM's and
# Frontex's, and the spellings states used in their UNODC GLOTIP submissions (reviewed by
# hand: "Kazakhistan", "Chino", a mis-decoded "Türkiye").
NAME_VARIANTS: dict[str, str] = {
    # M49's full forms of the catalogue's short ones
    "Iran (Islamic Republic of)": "IRN", "Islamic Republic of Iran": "IRN",
    "Iran, Islamic Rep.": "IRN", "Russian Federation": "RUS",
    "United States of America": "USA", "USA": "USA",
    # common short forms the UN does not use
    "Hong Kong": "HKG", "Hong Kong SAR": "HKG", "Hong Kong SAR, China": "HKG",
    "China, Hong Kong Special Administrative Region": "HKG",
    "Macau": "MAC", "Macao": "MAC", "Macau SAR": "MAC", "Macao SAR, China": "MAC",
    "China, Macao Special Administrative Region": "MAC",
    "Taiwan": "TWN", "Taiwan, China": "TWN", "Taiwan Province of China": "TWN",
    "South Korea": "KOR", "Korea, Rep.": "KOR", "Korea, Republic of": "KOR",
    "Korea (Republic of)": "KOR", "Korea": "KOR",
    "North Korea": "PRK", "Korea, Dem. People's Rep.": "PRK",
    "Korea, Democratic People's Republic of": "PRK",
    "Vietnam": "VNM", "Laos": "LAO", "Lao PDR": "LAO", "Syria": "SYR",
    "Palestine": "PSE", "West Bank and Gaza": "PSE", "Occupied Palestinian Territory": "PSE",
    "Palestinian Territories": "PSE", "Moldova": "MDA", "Moldova, Republic of": "MDA",
    "Turkey": "TUR", "Turkiye": "TUR", "Republic of Türkiye": "TUR",
    "Bolivia": "BOL", "Venezuela": "VEN", "Venezuela, RB": "VEN", "Tanzania": "TZA",
    "DR Congo": "COD", "Congo, Dem. Rep.": "COD", "Congo (Kinshasa)": "COD",
    "Democratic Republic of Congo": "COD", "Congo Republic": "COG", "Congo, Rep.": "COG",
    "Congo (Brazzaville)": "COG", "Republic of the Congo": "COG",
    "Czech Republic": "CZE", "Ivory Coast": "CIV", "Cote d'Ivoire": "CIV",
    "Côte d’Ivoire": "CIV", "Swaziland": "SWZ", "Burma": "MMR", "Cape Verde": "CPV",
    "East Timor": "TLS", "Macedonia": "MKD", "The former Yugoslav Republic of Macedonia": "MKD",
    "Kyrgyz Republic": "KGZ", "Slovak Republic": "SVK", "Egypt, Arab Rep.": "EGY",
    "Yemen, Rep.": "YEM", "Gambia, The": "GMB", "Bahamas, The": "BHS", "Brunei": "BRN",
    "Micronesia, Fed. Sts.": "FSM", "Micronesia": "FSM", "Vatican": "VAT",
    "Holy See (Vatican City State)": "VAT", "Netherlands": "NLD", "United Kingdom": "GBR",
    "UK": "GBR", "Great Britain": "GBR", "Falkland Islands": "FLK",
    "St. Kitts and Nevis": "KNA", "St. Lucia": "LCA", "St. Vincent and the Grenadines": "VCT",
    "St. Pierre and Miquelon": "SPM", "St. Barths": "BLM", "St. Helena": "SHN",
    "Saint-Martin": "MAF", "St. Martin (French part)": "MAF", "Sint Maarten": "SXM",
    "Curacao": "CUW", "Heard and McDonald Islands": "HMD",
    "South Georgia and South Sandwich Is.": "SGS", "Kosovo": "XKX",
    "Kosovo under UNSCR 1244": "XKX", "Kosovo: S/RES/1244 (1999)": "XKX",
    "Netherlands Antilles": "ANT",
    # UNODC GLOTIP citizenship spellings (each state's submission as it came)
    "Kazakhistan": "KAZ", "Kazahstan": "KAZ", "Kazalhstan": "KAZ", "KIRGUIZSTÁN": "KGZ",
    "TÃ¼rkiye": "TUR", "T\ufffdrkiye": "TUR", "Rusia": "RUS", "russie": "RUS",
    "Chino": "CHN", "chinois": "CHN", "Bresil": "BRA",
    "GUINEA ECUATORIAL": "GNQ",  # Equatorial Guinea, which country_converter reads as Guinea
}


def _label_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


_CODES_BY_LABEL: dict[str, str] = {
    **{_label_key(k): v for k, v in NAME_VARIANTS.items()},
    **{_label_key(v): k for k, v in UN_NAMES.items()},
}


def un_name(code: str) -> str:
    """The name the report prints for a code: the UN name of a country or territory, a state's
    short form, or the description of a provider's group code ("Stateless")."""
    code = CODE_ALIASES.get(code, code)
    if code in UN_NAMES:
        return UN_NAMES[code]
    if code in PROVIDER_SPECIAL_CODES:
        return PROVIDER_SPECIAL_CODES[code].split(" (")[0]
    raise KeyError(f"no UN name for code {code!r}: add it to catalogue.UN_NAMES")


def iso3_of_label(text: str) -> str | None:
    """The code a provider's label names: a UN name or a reviewed spelling; None otherwise."""
    return _CODES_BY_LABEL.get(_label_key(text))


def un_name_of_label(text: str) -> str | None:
    """A provider's label as the UN writes it ("Kazakhistan" -> "Kazakhstan"); None for a label
    the table does not know."""
    code = iso3_of_label(text)
    return None if code is None else un_name(code)

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
                "wave action": "wave action",
                # idmc.OTHER: hazard types not yet reviewed ("Mixed disasters", ...)
                "other": "other and mixed hazards"}


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
    # The overview dashboard's indicator for this theme, or None when no indicator of this
    # report measures what the remarks said; `headline_note` then says so in plain words.
    headline: str | None = None
    headline_note: str | None = None
    # The charts (by name, at most three) that the briefing's main page and slide deck show;
    # every chart stays on the theme's own page.
    main_charts: tuple[str, ...] = field(default=())


THEMES: tuple[Theme, ...] = (
    Theme(
        "overview", "Who met, and where the region stands", (1, 2, 13),
        "Senior officials of nine participating states, with observers and agencies, met to "
        "review labour migration and refugee solutions in Central Asia and agreed to keep the "
        "Almaty Process as their regional forum.",
        "01_overview.ipynb",
        ("population", "immigrant_stock", "emigrant_stock", "remittances_received_pct_gdp",
         "refugees_hosted"),
        main_charts=("headline_dashboard",),
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
        main_charts=("immigrant_and_emigrant_stocks", "main_migration_corridors",
                     "emigrants_share_over_time"),
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
        headline_note="No indicator in this report measures workers' rights, regularisation or "
                      "how irregular migrants are treated: asylum applications abroad count "
                      "people seeking protection, not rights at work.",
        main_charts=("asylum_applications_abroad", "eu_irregular_crossings_by_route",
                     "stateless_people"),
    ),
    Theme(
        "trafficking_smuggling", "Trafficking and smuggling", (6,),
        "States reaffirmed regional cooperation against human trafficking, exploitation and "
        "migrant smuggling, including public information to prevent it.",
        "04_trafficking_smuggling.ipynb",
        ("trafficking_victims_detected", "trafficking_convictions"),
        ("trafficking_victims",),
        headline_note="No indicator in this report measures trafficking or smuggling itself: "
                      "UNODC's detected victims count what authorities found, which moves with "
                      "their effort as much as with the crime.",
        main_charts=("trafficking_victims_detected", "trafficking_citizens_detected_abroad",
                     "missing_migrants_by_year"),
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
        main_charts=("remittances_share_of_gdp_trend", "remittances_received_usd",
                     "remittance_costs_against_sdg_target"),
    ),
    Theme(
        "reentry_reintegration", "Re-entry bans and reintegration", (9, 10),
        "States discussed re-entry bans on Central Asian workers, better information for "
        "migrants on the risks of irregular work, and helping banned workers and returning "
        "refugees back into labour markets.",
        "06_reentry_reintegration.ipynb",
        ("emigrant_stock", "remittances_received_usd", "returned_refugees", "idps"),
        ("migrant_stock",),
        headline_note="No indicator in this report measures re-entry bans: Russia publishes "
                      "no yearly counts, and refugee returns (UNHCR) are not bans. The "
                      "theme's own page shows Central Asian migrants living in Russia as "
                      "context.",
        main_charts=("central_asian_migrants_in_russia", "reentry_bans", "remittance_shocks"),
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
        main_charts=("refugees_hosted_and_abroad", "refugees_per_1000_residents",
                     "refugee_solutions"),
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
        main_charts=("internal_displacement", "new_displacements", "afghanistan_after_2021"),
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

# The minimum meaningful change (issue 19, item 5): a value "rose" or "fell" only when it moved
# by at least MIN_CHANGE_PCT per cent of where it started AND by at least the floor of its
# unit; below either it "changed little" (0 -> 5 people is not a rise). Floors are a reader's
# sense of a change worth a sentence at the scale each unit is published in.
MIN_CHANGE_PCT = 10.0
MIN_CHANGE_FLOOR: dict[str, float] = {
    "people": 1_000, "persons": 10, "victims": 10,
    "applications": 100, "applicants": 100, "decisions": 100, "detections": 100,
    "displacements": 1_000,
    "current US$": 50e6, "constant 2021 international $": 500,
    "per 1,000 population": 0.5,
    # shares: one percentage point
    "% of GDP": 1.0, "% of labour force": 1.0, "% of population": 1.0,
    "% of substantive decisions": 1.0, "% of working-age population": 1.0,
}

# The Central Asian states in the catalogue (for the notebooks on work in Russia and re-entry).
# Destinations whose UN DESA stock counts citizens of the origin, not people born there (data
# type "C" of International Migrant Stock 2024: the snapshot's `based_on_citizenship` column).
# Iran's count of Afghans follows UNHCR's refugee figures, reclassifications included.
CITIZENSHIP_BASED = frozenset({
    "AND", "ARE", "BEN", "BHR", "CAF", "CHN", "CYM", "GAB", "GIN", "GNQ", "IDN", "IND", "IRN",
    "IRQ", "JOR", "JPN", "KWT", "LAO", "LBN", "LBY", "LSO", "MAC", "MAR", "MDG", "MDV", "MMR",
    "MNG", "MRT", "MUS", "NGA", "NRU", "OMN", "PHL", "PNG", "QAT", "SAU", "SHN", "SMR", "STP",
    "SUR", "SYR", "TGO", "THA", "TUN", "TUV", "TWN", "VNM", "YEM"})

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
    # break, not reported, estimate, coverage, event: empty means the flag's (screen.note_kind)
    kind: str = ""

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


# -- the jump screen's review (issue 18; analysis.screen) --------------------------------------
# Each hit of the screen on the snapshot (a change of at least 2.5x and 10,000 people or US$250
# million, or a major reporter gone from a flow), reviewed: a break (B), a figure that means
# "not reported" (M), an estimate (E), a coverage change (B, kind "coverage") or a real event
# (flag ""). "likely" marks an inference from the data and the providers' notes, not a
# provider's statement. The UNHCR figures quoted are the snapshot's own (population by origin).
_UNHCR_POP = "UNHCR population statistics (Refugee Data Finder)"
_IDMC_VIA_UNHCR = ("IDMC Global Internal Displacement Database, as UNHCR republishes it "
                   "(idmc.csv)")
_WB_RECEIVED = "World Bank WDI, BX.TRF.PWKR.CD.DT (IMF balance of payments statistics)"
_WB_PAID = "World Bank WDI, BM.TRF.PWKR.CD.DT (IMF balance of payments statistics)"
_DESA = "UN DESA International Migrant Stock 2024 (includes refugees for these destinations)"
_FLOWS = "UNHCR flows data (new arrivals by country of asylum)"


def _brk(indicator: str, iso3: str, year: int, reason: str, source: str, label: str,
         kind: str = "") -> ObservationNote:
    return ObservationNote("B", reason, source, indicator, iso3, (year,), label=label,
                           kind=kind)


def _event(indicator: str, iso3: str, year: int, reason: str, source: str) -> ObservationNote:
    return ObservationNote("", reason, source, indicator, iso3, (year,))


_KAZ_KGZ_2023 = ("from 2023 UNHCR counts refugees of unknown origin in {name} ({n} in 2023), "
                 "where it counted a few hundred before: a change in who is counted, not an "
                 "influx seen in any other source; in mid-2025 almost all were moved to other "
                 "people in need of international protection")
_KAZ_KGZ_2025 = ("mid-2025: UNHCR moves the refugees of unknown origin in {name} to other "
                 "people in need of international protection, so the refugee count falls by a "
                 "definition change")
_KAZ_KGZ_SOURCE = (_UNHCR_POP + ", {name}, 2022-2025 by origin (origin 'unknown' from 2023; "
                   "gone in the mid-2025 figures)")
_UNK_LABEL = "UNHCR's count of refugees of unknown origin"
_UNK_OUT_LABEL = "UNHCR's reclassification of refugees of unknown origin"
_RUS_UKR_2024 = ("from 2024 UNHCR no longer counts the Ukrainians in Russia as refugees "
                 "(1,227,554 in 2023, 6,894 in 2024): the figure ends, the people did not "
                 "leave in that number; likely the government's figure of Ukrainians with "
                 "temporary asylum is no longer published as refugees")
_NWAZ_2014 = ("a real event: people fleeing the military operation in North Waziristan "
              "(Pakistan) from June 2014 to Khost and Paktika, registered by UNHCR (300,385 "
              "Pakistani refugees in Afghanistan in 2014)")
_NWAZ_SOURCE = "UNHCR Global Trends 2014 (to verify); " + _UNHCR_POP + ", Afghanistan by origin"
_NWAZ_2016 = ("likely a revision after UNHCR's verification of the Pakistani refugees in Khost "
              "and Paktika together with returns (257,523 in 2015, 59,737 in 2016): not to be "
              "read as a count of returns")
_NWAZ_2016_LABEL = "the verification of Pakistani refugees in Afghanistan"
_TJK_REFUGEES = ("Tajik refugees of the 1992-97 civil war: Turkmenistan naturalised those it "
                 "hosted (11,173 in 2005; decree of August 2005) and those in Uzbekistan "
                 "(39,202 in 2005) are no longer reported after UNHCR's office in Uzbekistan "
                 "was closed in 2006 (likely not reported rather than departed)")
_STATELESS_REV = ("likely a revision of UNHCR's statelessness estimate for {name}: a round "
                  "estimate replaced by a count of registered or identified stateless people "
                  "({a} in {y0}, {b} in {y1}); not a change in people")
_STATELESS_SOURCE = (_UNHCR_POP + ", stateless; UNHCR Global Trends annex tables (the "
                     "statelessness figures are estimates that change with new sources)")
_STATELESS_LABEL = "a revised estimate of stateless people"
_IDMC_REV = ("likely a revision of IDMC's estimate of people displaced by conflict in {name} "
             "({a} in {y0}, {b} in {y1}), not a measured change in people")
_IDMC_REV_LABEL = "a revised IDMC estimate"
_IDMC_MIDYEAR = ("UNHCR's mid-2025 republication of IDMC's figure for {name} ({b}, after {a} at "
                 "the end of 2024) is a different reference point and release, likely not "
                 "comparable with the year before")
_IDMC_MIDYEAR_LABEL = "UNHCR's mid-year republication of IDMC's figure"
_REMIT_REC = ("likely a change in how {name}'s central bank records personal remittances "
              "({a}); the series is not comparable across {y}")
_REMIT_REC_LABEL = "a change in recording personal remittances"

# Migrant-stock corridors of the catalogue's states (UN DESA, every five years to 2020, then
# 2024): a change between two estimates. UN DESA's figures between censuses or register counts
# are its own interpolations and extrapolations, and most destinations here include refugees.
_DESA_SOURCE = ("UN DESA International Migrant Stock 2024, by destination and origin, and its "
                "documentation of data sources (census, register or estimate; refugees "
                "included)")
_DESA_REVISION = ("likely a change of UN DESA's source or estimate for the destination (a new "
                  "census, register or imputation), not a measured change in people: "
                  "{a} in {y0}, {b} in {y1}")
_DESA_REVISION_LABEL = "a change in UN DESA's source or estimate"
_DESA_UNKNOWN = ("the origin 'other or unknown' is UN DESA's residual of migrants whose "
                 "country of birth the source does not give: it moves with the detail of each "
                 "source ({a} in {y0}, {b} in {y1}), not with migration")
_DESA_UNKNOWN_LABEL = "UN DESA's residual of migrants of unknown origin"


def _stock(origin: str, destination: str, year: int, flag: str, reason: str,
           label: str = "") -> ObservationNote:
    return ObservationNote(flag, reason, _DESA_SOURCE, measure="migrant_stock", origin=origin,
                           destination=destination, years=(year,), label=label)


def _stock_revision(origin: str, destination: str, y0: int, y1: int, a: str, b: str
                    ) -> ObservationNote:
    return _stock(origin, destination, y1, "B",
                  _DESA_REVISION.format(a=a, b=b, y0=y0, y1=y1), _DESA_REVISION_LABEL)


def _stock_unknown(destination: str, y0: int, y1: int, a: str, b: str) -> ObservationNote:
    return _stock("OOO", destination, y1, "B", _DESA_UNKNOWN.format(a=a, b=b, y0=y0, y1=y1),
                  _DESA_UNKNOWN_LABEL)


_AFGHANS_EUROPE = ("a real event: Afghans who sought asylum in Europe from 2015 on, counted "
                   "in the destination's stock (UN DESA includes refugees there)")
_SYRIA_IRAQ_TR = ("a real event: refugees and residents from {who} in Türkiye, whose stock "
                  "UN DESA counts with refugees")
_TR_RESIDENTS = ("likely a real event: more residents and students from {who} in Türkiye "
                 "(UN DESA's 2020 estimate draws on Türkiye's residence-permit data); the size "
                 "of the change also reflects that source")
_KOREA = ("likely a real event: the Republic of Korea's work and visit schemes for ethnic "
          "Koreans and workers from {who} (the Employment Permit and Visit-Work systems)")

_STOCK_REVIEW: tuple[ObservationNote, ...] = (
    _stock("AFG", "AUT", 2015, "", _AFGHANS_EUROPE),
    _stock("AFG", "BEL", 2015, "", _AFGHANS_EUROPE),
    _stock("AFG", "DEU", 2020, "", _AFGHANS_EUROPE),
    _stock("AFG", "FRA", 2020, "", _AFGHANS_EUROPE),
    _stock("AFG", "FRA", 2024, "", _AFGHANS_EUROPE + ", and after August 2021"),
    _stock("AFG", "GRC", 2020, "", "a real event: Afghans arriving in Greece from 2015 on"),
    _stock("AFG", "SAU", 2010, "", "likely a real event: more Afghan workers in Saudi Arabia, "
           "whose stock UN DESA counts by citizenship (not by birth) and largely estimates"),
    _stock("AFG", "SAU", 2015, "", "likely a real event: more Afghan workers in Saudi Arabia, "
           "whose stock UN DESA counts by citizenship (not by birth) and largely estimates"),
    _stock("AFG", "TUR", 2015, "", _SYRIA_IRAQ_TR.format(who="Afghanistan")),
    _stock("AFG", "TUR", 2020, "", _SYRIA_IRAQ_TR.format(who="Afghanistan")),
    _stock_revision("AZE", "ARM", 2005, 2010, "324,771", "79,815"),
    _stock("CHN", "EGY", 2024, "", "likely a real event: more Chinese workers in Egypt "
           "(investment projects), within UN DESA's extrapolation to 2024"),
    _stock("CHN", "ESP", 2005, "", "a real event: Chinese immigration to Spain and Spain's "
           "regularisation of 2005"),
    _stock("CHN", "ETH", 2010, "", "likely a real event: Chinese workers on construction and "
           "investment projects in Ethiopia, within UN DESA's estimate"),
    _stock_revision("CHN", "IDN", 2010, 2015, "24", "15,036"),
    _stock("CHN", "IDN", 2020, "", "likely a real event: Chinese workers in Indonesia "
           "(nickel smelters and infrastructure), counted by citizenship"),
    _stock("CHN", "KOR", 2010, "", _KOREA.format(who="China")),
    _stock("CHN", "VNM", 2024, "", "likely a real event: Chinese workers in Viet Nam, counted "
           "by citizenship, within UN DESA's extrapolation to 2024"),
    _stock("EGY", "TUR", 2020, "", _TR_RESIDENTS.format(who="Egypt")),
    _stock("IRQ", "TUR", 2015, "", _SYRIA_IRAQ_TR.format(who="Iraq")),
    _stock("IRQ", "TUR", 2020, "", _SYRIA_IRAQ_TR.format(who="Iraq")),
    _stock("JOR", "TUR", 2020, "", _TR_RESIDENTS.format(who="Jordan")),
    _stock("KAZ", "KOR", 2020, "", _KOREA.format(who="Kazakhstan")),
    _stock("LBN", "TUR", 2024, "", _TR_RESIDENTS.format(who="Lebanon")),
    _stock("MAR", "TUR", 2020, "", _TR_RESIDENTS.format(who="Morocco")),
    _stock("MMR", "CHN", 2015, "", "likely a real event: people from Myanmar in Yunnan "
           "(workers, marriages, and people fleeing fighting in northern Myanmar from 2009 "
           "on), counted by citizenship and largely estimated"),
    _stock("MMR", "CHN", 2020, "", "likely a real event: people from Myanmar in Yunnan, "
           "counted by citizenship (China's 2020 census counted foreigners by citizenship)"),
    _stock("NPL", "USA", 2010, "", "a real event: Nepali immigration to the United States, "
           "including Bhutanese refugees of Nepali origin resettled from Nepal from 2008"),
    _stock_unknown("AZE", 2005, 2010, "21,068", "4,489"),
    _stock_unknown("AZE", 2020, 2024, "5,419", "38,866"),
    _stock_unknown("CHN", 2010, 2015, "42,142", "125,155"),
    _stock_unknown("KAZ", 2000, 2005, "13,148", "94,342"),
    _stock_unknown("PAK", 2010, 2015, "3,170", "80,593"),
    _stock_unknown("PAK", 2020, 2024, "75,315", "646,206"),
    _stock_unknown("RUS", 2005, 2010, "40,199", "165,559"),
    _stock_unknown("RUS", 2020, 2024, "112,859", "335,177"),
    _stock("PAK", "AFG", 2015, "", "a real event: the Pakistanis who fled North Waziristan to "
           "Afghanistan in 2014, counted with refugees (see refugees hosted in Afghanistan)"),
    _stock("PAK", "AFG", 2020, "B", "likely the revision of UNHCR's count of Pakistani "
           "refugees in Afghanistan in 2016 carried into UN DESA's stock (268,369 in 2015, "
           "102,500 in 2020), with returns", _DESA_REVISION_LABEL),
    _stock("PAK", "ESP", 2005, "", "a real event: Pakistani immigration to Spain and Spain's "
           "regularisation of 2005"),
    _stock_revision("PAK", "GRC", 2015, 2020, "31,230", "8,823"),
    _stock("PAK", "ITA", 2005, "", "a real event: Pakistani immigration to Italy and Italy's "
           "regularisation of 2002"),
    _stock("PAK", "MYS", 2005, "", "likely a real event: Pakistani workers in Malaysia, "
           "counted by birth and partly estimated"),
    _stock("PAK", "MYS", 2015, "", "likely a real event: Pakistani workers in Malaysia, "
           "counted by birth and partly estimated"),
    _stock_revision("PAK", "QAT", 2000, 2005, "413", "51,530"),
    _stock("PAK", "QAT", 2010, "", "a real event: the labour migration to Qatar of its "
           "construction boom (UN DESA counts Qatar's migrants by citizenship)"),
    _stock("PAK", "TUR", 2024, "", _TR_RESIDENTS.format(who="Pakistan")),
    _stock("PAK", "ZAF", 2005, "", "likely a real event: Pakistani immigration to South "
           "Africa, within UN DESA's estimate between the censuses of 2001 and 2011"),
    _stock("PSE", "TUR", 2020, "", _TR_RESIDENTS.format(who="the State of Palestine")),
    _stock("RUS", "AUT", 2005, "", "a real event: asylum-seekers from Chechnya (Russia) in "
           "Austria, 2002-2005"),
    _stock("RUS", "CHN", 2024, "", "likely a real event: more Russians living in China after "
           "2022, within UN DESA's extrapolation to 2024"),
    _stock_revision("RUS", "EGY", 2010, 2015, "19,242", "100"),
    _stock_revision("RUS", "EGY", 2015, 2020, "100", "27,682"),
    _stock("RUS", "ESP", 2005, "", "a real event: Russian immigration to Spain and Spain's "
           "regularisation of 2005"),
    _stock("RUS", "KOR", 2020, "", _KOREA.format(who="Russia")),
    _stock_revision("RUS", "NLD", 2000, 2005, "7,762", "31,095"),
    _stock_revision("RUS", "NLD", 2010, 2015, "36,404", "3,093"),
    _stock_revision("RUS", "NLD", 2015, 2020, "3,093", "14,654"),
    _stock("RUS", "TUR", 2024, "", "a real event: Russians who moved to Türkiye after "
           "February 2022 (residence permits)"),
    _stock("SAU", "TUR", 2020, "", _TR_RESIDENTS.format(who="Saudi Arabia")),
    _stock("SDN", "TUR", 2024, "", _TR_RESIDENTS.format(who="Sudan") + ", and people fleeing "
           "the war in Sudan from 2023"),
    _stock("SOM", "TUR", 2020, "", _TR_RESIDENTS.format(who="Somalia")),
    _stock_revision("SYR", "TUR", 2000, 2005, "5,357", "25,453"),
    _stock("SYR", "TUR", 2015, "", _SYRIA_IRAQ_TR.format(who="the Syrian Arab Republic")),
    _stock_revision("TJK", "AFG", 2015, 2020, "15,031", "4,422"),
    _stock_revision("TJK", "UZB", 2005, 2010, "42,216", "11,945"),
    _stock("TKM", "TUR", 2020, "", "likely a real event: labour migration from Turkmenistan "
           "to Türkiye after Turkmenistan's economic crisis from 2015 (UN DESA's 2020 "
           "estimate draws on Türkiye's residence-permit data)"),
    _stock("USA", "IND", 2010, "", "likely a real event within UN DESA's estimate (India's "
           "census of 2011 counts by citizenship)"),
    _stock("USA", "KOR", 2010, "", "likely a real event: more United States citizens in the "
           "Republic of Korea (English teachers and family members)"),
    _stock_revision("USA", "PHL", 2015, 2020, "17,899", "6,469"),
    _stock_revision("USA", "THA", 2000, 2005, "5,263", "22,201"),
    _stock("UZB", "KOR", 2015, "", _KOREA.format(who="Uzbekistan")),
    _stock("YEM", "TUR", 2020, "", _TR_RESIDENTS.format(who="Yemen")),
)

_SCREEN_REVIEW: tuple[ObservationNote, ...] = (
    # -- refugees hosted ---------------------------------------------------------------------
    _event("refugees_hosted", "AFG", 2012, "likely a real event: Pakistanis fleeing military "
           "operations in the tribal areas to eastern Afghanistan (16,147 of 16,184 refugees "
           "in Afghanistan in 2012 are from Pakistan)", _UNHCR_POP + ", Afghanistan by origin"),
    _event("refugees_hosted", "AFG", 2014, _NWAZ_2014, _NWAZ_SOURCE),
    _brk("refugees_hosted", "AFG", 2016, _NWAZ_2016, _NWAZ_SOURCE, _NWAZ_2016_LABEL),
    _brk("refugees_hosted", "CHN", 2022, "the Indochinese refugees from Viet Nam (303,107 in "
         "2021), settled in China since 1978-79 with most of the rights of nationals, are no "
         "longer counted from 2022: likely treated as locally integrated; a definition "
         "change, not departures",
         _UNHCR_POP + ", China, 2021-2022 by origin",
         "the Indochinese refugees in China no longer counted"),
    _brk("refugees_hosted", "KAZ", 2023, _KAZ_KGZ_2023.format(name="Kazakhstan", n="42,412"),
         _KAZ_KGZ_SOURCE.format(name="Kazakhstan"), _UNK_LABEL),
    _brk("refugees_hosted", "KAZ", 2025, _KAZ_KGZ_2025.format(name="Kazakhstan"),
         _KAZ_KGZ_SOURCE.format(name="Kazakhstan"), _UNK_OUT_LABEL),
    _brk("refugees_hosted", "KGZ", 2023, _KAZ_KGZ_2023.format(name="Kyrgyzstan", n="27,540"),
         _KAZ_KGZ_SOURCE.format(name="Kyrgyzstan"), _UNK_LABEL),
    _brk("refugees_hosted", "KGZ", 2025, _KAZ_KGZ_2025.format(name="Kyrgyzstan"),
         _KAZ_KGZ_SOURCE.format(name="Kyrgyzstan"), _UNK_OUT_LABEL),
    _event("refugees_hosted", "RUS", 2014, "a real event: Ukrainians fleeing the conflict in "
           "eastern Ukraine in 2014, granted temporary asylum or refugee status in Russia "
           "(231,787), as the government reported them", "UNHCR Global Trends 2014 (to verify); "
           + _UNHCR_POP + ", Russia by origin"),
    _event("refugees_hosted", "RUS", 2022, "a real event as the government reported it: "
           "Ukrainians arriving after February 2022 (1,275,315); UNHCR could not verify the "
           "figure", "UNHCR Global Trends 2022 (to verify); " + _UNHCR_POP + ", Russia by origin"),
    _brk("refugees_hosted", "RUS", 2024, _RUS_UKR_2024, _UNHCR_POP + ", Russia, 2023-2024 by "
         "origin", "Ukrainians in Russia no longer counted as refugees"),
    _event("refugees_hosted", "TJK", 2002, "likely a real event: Afghan refugees returning "
           "after the fall of the Taliban (UNHCR's assisted repatriation of 2002; 15,336 "
           "Afghans in 2001, 3,427 in 2002)", "UNHCR Global Trends 2002 (to verify)"
           "; " + _UNHCR_POP),
    _event("refugees_hosted", "TKM", 2006, "a real event, a solution: Turkmenistan "
           "naturalised the Tajik refugees it hosted (11,173 in 2005)",
           "UNHCR news, 'Over 10,000 Tajik refugees to become citizens in Turkmenistan', 10 "
           "August 2005 (unhcr.org/42fa23954.html); " + _UNHCR_POP),
    _event("refugees_hosted", "TUR", 2012, "a real event: refugees from the Syrian Arab "
           "Republic (248,466 in 2012)",
           "UNHCR Global Trends 2012 (to verify); " + _UNHCR_POP + ", Türkiye by origin"),
    _event("refugees_hosted", "TUR", 2014, "a real event: refugees from the Syrian Arab "
           "Republic (1,557,899 in 2014)",
           "UNHCR Global Trends 2014 (to verify); " + _UNHCR_POP + ", Türkiye by origin"),
    _brk("refugees_hosted", "USA", 2007, "UNHCR's figure for the United States is its own "
         "estimate from resettlement arrivals and asylum grants over a span of years; likely "
         "the span was shortened in 2007 (843,434 in 2006, 281,154 in 2007): a method change",
         "UNHCR Global Trends 2007 (to verify) (United States: UNHCR estimate); " + _UNHCR_POP,
         "a change in UNHCR's estimation method for the United States"),
    _brk("refugees_hosted", "UZB", 2006, _TJK_REFUGEES, "UNHCR Global Trends 2006 (to verify); "
         + _UNHCR_POP + ", Uzbekistan by origin", "Tajik refugees no longer reported"),
    _event("refugees_hosted", "UZB", 2021, "a real event: Afghans crossing after August 2021 "
           "(13,032 in 2021, 13 in 2020)", "UNHCR Global Trends 2021 (to verify); " + _UNHCR_POP),
    # -- refugees abroad -----------------------------------------------------------------------
    _brk("refugees_abroad", "AZE", 2007, "likely a revision of Armenia's figure: most ethnic "
         "Armenian refugees from Azerbaijan (113,224 in 2006, 3,815 in 2007) had acquired "
         "Armenian citizenship and were taken out of the count",
         "UNHCR Global Trends 2007 (to verify); "
         + _UNHCR_POP + ", Azerbaijan by asylum country",
         "Armenia's revision of its refugees from Azerbaijan"),
    _event("refugees_abroad", "AZE", 2020, "a real event: people fleeing Karabakh to Armenia "
           "in the war of autumn 2020 (91,766), recorded with Azerbaijan as country of origin",
           "UNHCR Global Trends 2020 (to verify)"
           "; " + _UNHCR_POP + ", Azerbaijan by asylum country"),
    _event("refugees_abroad", "AZE", 2021, "likely a real event: returns to Karabakh after the "
           "ceasefire of November 2020 (27,933 in Armenia in 2021)",
           "UNHCR Global Trends 2021 (to verify); " + _UNHCR_POP),
    _event("refugees_abroad", "AZE", 2023, "a real event: people who fled Karabakh to Armenia "
           "in September 2023, recorded by UNHCR with Azerbaijan as country of origin (143,054 "
           "in Armenia)", "UNHCR Global Trends 2023 (to verify)"
           "; UNHCR Armenia factsheet, February 2024"),
    _event("refugees_abroad", "PAK", 2014, _NWAZ_2014, _NWAZ_SOURCE),
    _brk("refugees_abroad", "PAK", 2016, _NWAZ_2016, _NWAZ_SOURCE, _NWAZ_2016_LABEL),
    _brk("refugees_abroad", "TJK", 2006, _TJK_REFUGEES, "UNHCR Global Trends 2006 (to verify); "
         + _UNHCR_POP + ", Tajikistan by asylum country", "Tajik refugees no longer reported"),
    _brk("refugees_abroad", "TUR", 2002, "Germany's figure for refugees from Türkiye jumps "
         "(148,983 in 2002): likely a change in Germany's estimate (its register of "
         "foreigners with protection status), not new refugees", "UNHCR Statistical Yearbook "
         "2002 (Germany: estimate); " + _UNHCR_POP + ", Türkiye by asylum country",
         "a change in Germany's refugee estimate"),
    # -- asylum-seekers ------------------------------------------------------------------------
    ObservationNote("M", "no figure of asylum-seekers in Iran for 2001: the published 0 follows "
                    "12,228 in 2000 and likely means not reported", _UNHCR_POP + ", Iran",
                    "asylum_seekers_hosted", "IRN", (2001,), only_zero=True,
                    label="not reported"),
    _event("asylum_seekers_hosted", "PAK", 2003, "likely a real event: Afghans registering "
           "with UNHCR as asylum-seekers in Pakistan (12,759 in 2003)", _UNHCR_POP
           + ", Pakistan by origin"),
    _event("asylum_seekers_hosted", "PAK", 2022, "a real event: Afghans arriving after August "
           "2021 and registering with UNHCR (38,108 in 2022)",
           "UNHCR Global Trends 2022 (to verify); "
           + _UNHCR_POP),
    _event("asylum_seekers_hosted", "PAK", 2024, "likely a real event: Afghans who arrived "
           "after August 2021 registering with UNHCR under the threat of deportation "
           "(Pakistan's repatriation plan for foreigners without papers, from October 2023; "
           "198,610 in 2024)", "UNHCR Global Trends 2024 (to verify); " + _UNHCR_POP),
    _brk("asylum_seekers_hosted", "USA", 2010, "likely a change in what the United States "
         "reports as pending asylum claims (63,758 in 2009, 6,276 in 2010): a reporting change, "
         "not a backlog cleared", "UNHCR Global Trends 2010 (to verify)"
         " (United States: pending cases); "
         + _UNHCR_POP, "a change in the pending claims the United States reports"),
    _brk("asylum_seekers_hosted", "USA", 2013, "likely a change in what the United States "
         "reports as pending asylum claims (18,946 in 2012, 84,317 in 2013): a reporting "
         "change", "UNHCR Global Trends 2013 (to verify); " + _UNHCR_POP,
         "a change in the pending claims the United States reports"),
    _event("asylum_seekers_abroad", "AFG", 2015, "a real event: Afghans seeking asylum in "
           "Europe and Türkiye in 2015 (Türkiye 90,156, Germany 42,602, Sweden 40,614)",
           "UNHCR Global Trends 2015 (to verify); " + _UNHCR_POP),
    _brk("asylum_seekers_abroad", "PAK", 2010, "Greece's pending claims of Pakistanis (13,700 "
         "in 2010) appear in full: likely Greece first reporting its backlog of undecided "
         "claims, not new asylum-seekers", "UNHCR Global Trends 2010 (to verify); " + _UNHCR_POP,
         "Greece's backlog of asylum claims first reported"),
    # -- stateless -----------------------------------------------------------------------------
    _brk("stateless", "AZE", 2005, _STATELESS_REV.format(name="Azerbaijan", a="30,000",
         b="2,300", y0=2004, y1=2005), _STATELESS_SOURCE, _STATELESS_LABEL),
    _brk("stateless", "KAZ", 2007, _STATELESS_REV.format(name="Kazakhstan", a="45,698",
         b="7,856", y0=2006, y1=2007), _STATELESS_SOURCE, _STATELESS_LABEL),
    _brk("stateless", "KGZ", 2006, _STATELESS_REV.format(name="Kyrgyzstan", a="100,000",
         b="10,190", y0=2005, y1=2006), _STATELESS_SOURCE, _STATELESS_LABEL),
    _brk("stateless", "RUS", 2005, _STATELESS_REV.format(name="Russia", a="10,755",
         b="71,155", y0=2004, y1=2005), _STATELESS_SOURCE, _STATELESS_LABEL),
    _brk("stateless", "RUS", 2011, "likely the 2010 population census as a new source: "
         "178,000 people declaring no citizenship, after UNHCR's estimate of 50,000",
         "UNHCR Global Trends 2011 (to verify) (Russia: census); " + _UNHCR_POP,
         "the census as a new source of stateless people"),
    _brk("stateless", "TJK", 2015, _STATELESS_REV.format(name="Tajikistan", a="1,364",
         b="19,469", y0=2014, y1=2015) + "; likely the mapping of statelessness started then",
         _STATELESS_SOURCE, _STATELESS_LABEL),
    # -- internally displaced people (UNHCR) ---------------------------------------------------
    _brk("idps", "AFG", 2003, "likely a revised caseload after the return of IDPs in 2002 "
         "and a profiling of the camps (665,156 in 2002, 184,269 in 2003): not only returns",
         "UNHCR Global Trends 2003 (to verify); " + _UNHCR_POP, "a revised count of IDPs"),
    _event("idps", "PAK", 2009, "a real event: displacement by the military operations in "
           "Swat and the tribal areas in 2009 (1,894,557)", "UNHCR Global Trends 2009 (to verify)"),
    _event("idps", "PAK", 2016, "likely a real event: returns to the tribal areas (FATA) "
           "after the 2014-15 operations", "UNHCR Global Trends 2016 (to verify); " + _UNHCR_POP),
    _event("idps", "PAK", 2017, "likely a real event: continued returns to the tribal areas "
           "(FATA)", "UNHCR Global Trends 2017 (to verify); " + _UNHCR_POP),
    _brk("idps", "RUS", 2011, "likely UNHCR aligning its count with the government's "
         "registered forced migrants of the North Caucasus (75,371 in 2010, 28,450 in 2011)",
         "UNHCR Global Trends 2011 (to verify); " + _UNHCR_POP, "a revised count of IDPs"),
    # -- internally displaced people (IDMC) ----------------------------------------------------
    ObservationNote("M", "the 2023 figure (4,187,000) carried forward unchanged to 2024: IDMC "
                    "published no new estimate for Afghanistan's conflict IDPs",
                    _IDMC_VIA_UNHCR + ", Afghanistan 2023-2024", "idps_idmc", "AFG", (2024,),
                    label="the previous figure carried forward: not reported"),
    _brk("idps_idmc", "KGZ", 2019, _IDMC_REV.format(name="Kyrgyzstan", a="164,000",
         b="770", y0=2012, y1=2019) + "; no figure for 2013-2018", _IDMC_VIA_UNHCR,
         _IDMC_REV_LABEL),
    _event("idps_idmc", "PAK", 2014, _NWAZ_2014.replace("to Khost and Paktika, registered by "
           "UNHCR (300,385 Pakistani refugees in Afghanistan in 2014)", "inside Pakistan"),
           "IDMC Global Report on Internal Displacement 2015 (to verify); " + _IDMC_VIA_UNHCR),
    _event("idps_idmc", "PAK", 2016, "likely a real event: returns to the tribal areas (FATA) "
           "after the 2014-15 operations", "IDMC Global Report on Internal Displacement "
           "2017 (to verify); " + _IDMC_VIA_UNHCR),
    _brk("idps_idmc", "PAK", 2022, _IDMC_REV.format(name="Pakistan", a="104,000", b="16,000",
         y0=2021, y1=2022), _IDMC_VIA_UNHCR, _IDMC_REV_LABEL),
    _brk("idps_idmc", "PAK", 2025, _IDMC_MIDYEAR.format(name="Pakistan", a="22,000",
         b="269,000"), _IDMC_VIA_UNHCR, _IDMC_MIDYEAR_LABEL),
    _brk("idps_idmc", "RUS", 2012, _IDMC_REV.format(name="Russia", a="78,000", b="29,000",
         y0=2010, y1=2012), _IDMC_VIA_UNHCR, _IDMC_REV_LABEL),
    _brk("idps_idmc", "RUS", 2018, _IDMC_REV.format(name="Russia", a="19,000", b="2,300",
         y0=2017, y1=2018), _IDMC_VIA_UNHCR, _IDMC_REV_LABEL),
    _event("idps_idmc", "RUS", 2023, "likely a real event: people displaced by shelling and "
           "incursions in Belgorod oblast in 2023 (60,000)", "IDMC Global Report on Internal "
           "Displacement 2024 (to verify); " + _IDMC_VIA_UNHCR),
    _event("idps_idmc", "RUS", 2024, "likely a real event: people displaced from Kursk "
           "oblast after the incursion of August 2024 (171,000)", "IDMC Global Report on "
           "Internal Displacement 2025 (to verify); " + _IDMC_VIA_UNHCR),
    _brk("idps_idmc", "RUS", 2025, _IDMC_MIDYEAR.format(name="Russia", a="171,000", b="580"),
         _IDMC_VIA_UNHCR, _IDMC_MIDYEAR_LABEL),
    _brk("idps_idmc", "TUR", 2016, _IDMC_REV.format(name="Türkiye", a="954,000", b="154,000",
         y0=2015, y1=2016) + ": likely the caseload of the 1990s replaced by new estimates",
         "IDMC Global Report on Internal Displacement 2017 (to verify); " + _IDMC_VIA_UNHCR,
         _IDMC_REV_LABEL),
    _brk("idps_idmc", "TUR", 2019, _IDMC_REV.format(name="Türkiye", a="144,000", b="2,000",
         y0=2018, y1=2019), _IDMC_VIA_UNHCR, _IDMC_REV_LABEL),
    # -- migrant stocks ------------------------------------------------------------------------
    _event("immigrant_stock", "AFG", 2015, "likely a real event: UN DESA's stock for "
           "Afghanistan includes refugees, here the Pakistanis who fled North Waziristan in "
           "2014 (see refugees hosted)", _DESA),
    _event("immigrant_stock", "TUR", 2015, "a real event: UN DESA's stock for Türkiye "
           "includes refugees, here those from the Syrian Arab Republic (2,102,261 Syrians in "
           "2015)", _DESA),
    # -- remittances ---------------------------------------------------------------------------
    _brk("remittances_received_usd", "AZE", 2005, _REMIT_REC.format(
        name="Azerbaijan", a="US$204 million in 2004, US$623 million in 2005", y="2004-2005"),
        _WB_RECEIVED, _REMIT_REC_LABEL),
    _event("remittances_received_usd", "AZE", 2022, "likely a real event: transfers from "
           "Russia in 2022, when money transfer systems carried much more to the South "
           "Caucasus and Central Asia (US$1.53 billion in 2021, US$3.95 billion in 2022); US$ "
           "values also move with exchange rates", _WB_RECEIVED),
    _brk("remittances_received_usd", "RUS", 2022, "likely a recording change: from 2022 the "
         "Bank of Russia publishes less of its balance of payments detail, and personal "
         "remittances fall from US$9.65 billion to US$3.25 billion while transfers through "
         "money transfer systems rose", _WB_RECEIVED + "; Bank of Russia, General Notes "
         "Relating to Personal Remittances (cbr.ru)", "a recording change in Russia's balance "
         "of payments"),
    _brk("remittances_received_usd", "TUR", 2003, _REMIT_REC.format(
        name="Türkiye", a="US$1.94 billion in 2002, US$0.73 billion in 2003", y="2002-2003"),
        _WB_RECEIVED, _REMIT_REC_LABEL),
    _brk("remittances_paid_usd", "AFG", 2009, _REMIT_REC.format(
        name="Afghanistan", a="US$217 million in 2008, US$625 million in 2009",
        y="2008-2009") + "; the balance of payments was compiled only from 2008",
        _WB_PAID, _REMIT_REC_LABEL),
    _brk("remittances_paid_usd", "CHN", 2017, _REMIT_REC.format(
        name="China", a="US$6.2 billion in 2016, US$16.3 billion in 2017", y="2016-2017"),
        _WB_PAID, _REMIT_REC_LABEL),
    _brk("remittances_paid_usd", "RUS", 2001, _REMIT_REC.format(
        name="Russia", a="US$232 million in 2000, US$915 million in 2001", y="2000-2001"),
        _WB_PAID, _REMIT_REC_LABEL),
    _brk("remittances_paid_usd", "RUS", 2022, "a recording change (the issue's finding): "
         "Russia's recorded outflows fall from US$16.8 billion (2021) to US$5.8 billion "
         "(2022) while what Central Asia reports receiving from Russia rises; likely the "
         "Bank of Russia's changed compilation and reduced publication from 2022", _WB_PAID
         + "; Bank of Russia, General Notes Relating to Personal Remittances (cbr.ru)",
         "a recording change in Russia's balance of payments"),
    # -- coverage of new arrivals --------------------------------------------------------------
    _brk("refugee_arrivals_abroad", "AFG", 2023, "a coverage change: Iran, most of the 2022 "
         "total, reports no new arrivals of Afghans for 2023 (likely its 2022 figure came "
         "from the headcount exercise); the total is not comparable with 2022", _FLOWS
         + ", Afghanistan by asylum country, 2022-2023", "Iran not reporting new arrivals",
         kind="coverage"),
    _brk("refugee_arrivals_abroad", "AFG", 2024, "a coverage change: Pakistan, which reported "
         "263,018 of 269,958 new Afghan arrivals in 2023, reports none for 2024; the fall to "
         "7,714 is not a fall in arrivals", _FLOWS + ", Afghanistan by asylum country, "
         "2023-2024", "Pakistan not reporting new arrivals", kind="coverage"),
    _event("refugee_arrivals_abroad", "AZE", 2021, "a real event: no new arrivals in Armenia "
           "from Karabakh after the ceasefire of November 2020 (89,978 arrivals in 2020)",
           _FLOWS + "; UNHCR Global Trends 2021 (to verify)"),
    _event("refugee_arrivals_abroad", "AZE", 2024, "a real event: the arrivals from Karabakh "
           "in Armenia were in September 2023 (143,099); few followed in 2024", _FLOWS
           + "; UNHCR Armenia factsheet, February 2024"),
    _brk("refugee_arrivals_abroad", "CHN", 2009, "a coverage change: India reported new "
         "arrivals from China (likely Tibetans) for 2008 (22,803) and none for 2009", _FLOWS
         + ", China by asylum country, 2008-2009", "India not reporting new arrivals",
         kind="coverage"),
)

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
    *_SCREEN_REVIEW,
    *_STOCK_REVIEW,
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

# The role of each kind of state at the 2015 meeting, as the country notes write it.
ROLE_NAMES: dict[str, str] = {
    PARTICIPATING: "participating state",
    OBSERVER: "observer",
    COMPARATOR: "comparator (not one of the participating states; shown for comparison)",
}

# The country note's charts (reports/countries/<ISO3>/<ISO3>.pdf), most telling first: one per
# question the meeting asked of a state (its people abroad and at home, the money they send,
# refugees and displacement, where its emigrants live, its nationals' asylum claims), then the
# rest. A note shows the first five that the profile drew with data and with a number in the
# caption (analysis.countrynote), in the profile's own order.
COUNTRY_NOTE_CHARTS: tuple[str, ...] = (
    "migrant_stocks", "remittances", "refugees_and_displacement", "emigrant_destinations",
    "asylum_abroad", "money_corridors", "new_displacements", "eu_asylum_applicants",
    "trafficking", "remittance_costs",
)

# A lower bound claims may name, not a series the report compares: the records whose listed
# origins are all among the states (IOM gives one total for an incident of several
# nationalities, so the nationals' count above includes other nationals' deaths).
LOWER_BOUND_RECORD_MEASURES: tuple[RecordMeasure, ...] = (
    RecordMeasure("missing_migrants_of_nationals_only",
                  "The country's nationals recorded dead or missing, incidents whose listed "
                  "origins are that country only (lower bound)", "people", "iom",
                  "Total Number of Dead and Missing, by country of origin",
                  "dead_and_missing", "origin"),
)

_RECORD_MEASURES_BY_ID = {m.id: m for m in RECORD_MEASURES + LOWER_BOUND_RECORD_MEASURES}


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



# ---------------------------------------------------------------------------
# Key messages (issue 19; analysis.keymessages): the thresholds and words the rule uses
# ---------------------------------------------------------------------------

# A change since the meeting is a key message only when it is at least this large relative to
# the meeting year's value AND at least the unit's floor below (so 0 -> 5 is not "rose").
KEY_MESSAGE_MIN_CHANGE_PCT = 10.0
# The floor per indicator unit, in that unit (percentage points for "%" units).
KEY_MESSAGE_MIN_CHANGE: dict[str, float] = {
    "people": 1_000, "applications": 1_000, "decisions": 1_000, "applicants": 1_000,
    "detections": 1_000, "displacements": 1_000, "victims": 50, "persons": 50,
    "current US$": 100e6, "constant 2021 international $": 500,
    "% of GDP": 1.0, "% of labour force": 1.0, "% of population": 1.0,
    "% of substantive decisions": 5.0, "% of working-age population": 1.0,
    "per 1,000 population": 1.0,
}

# How sure a value is, in words, from its observation flag (catalogue.FLAG_MEANINGS, shortened
# for a sentence); "" is a value as the provider reports it.
CERTAINTY_WORDS: dict[str, str] = {
    "": "as reported", "B": "break in series", "E": "estimate", "F": "projection",
    "P": "provisional", "U": "low reliability",
}

# Indicators every value of which is a model's or a provider's estimate, flagged or not: a key
# message says "estimate" (UN DESA's migrant stocks interpolate between censuses and registers
# and extrapolate to 2024; WDI's unemployment is the ILO's modelled estimate).
MODELLED_INDICATORS: dict[str, str] = {
    "emigrant_stock": "UN DESA estimate",
    "immigrant_stock": "UN DESA estimate",
    "emigrants_pct_population": "UN DESA estimate",
    "immigrants_pct_population": "UN DESA estimate",
    "unemployment_pct": "ILO modelled estimate",
}

# Breaks that carry from one series into another: UN DESA's migrant stocks include refugees,
# and hosts counting by citizenship (Iran) follow UNHCR's refugee figures, so a break in a
# state's refugee series breaks its stock too (issue 18, defect 3).
BREAKS_CARRIED_FROM: dict[str, tuple[str, ...]] = {
    "emigrant_stock": ("refugees_abroad",),
    "emigrants_pct_population": ("refugees_abroad",),
    "immigrant_stock": ("refugees_hosted",),
    "immigrants_pct_population": ("refugees_hosted",),
}

# Observation-note kinds (data/processed/observation_notes.parquet) across which no change is
# stated: the series is not comparable, or a jump nobody has reviewed yet.
KEY_MESSAGE_BREAK_KINDS: tuple[str, ...] = ("break", "coverage", "reclassification",
                                            "unreviewed")

# Each indicator as a key message names it, "{state}" standing for the state's name; an
# indicator not listed reads as its label.
KEY_MESSAGE_WORDS: dict[str, str] = {
    "emigrant_stock": "the number of people from {state} living abroad (by birth, or by "
                      "citizenship where the host counts that way)",
    "immigrant_stock": "the number of international migrants living in {state}",
    "asylum_applications_abroad": "the number of new asylum applications lodged abroad by "
                                  "nationals of {state}",
    "remittances_received_pct_gdp": "personal remittances received by {state} as a share of "
                                    "its GDP",
    "remittances_received_usd": "personal remittances received by {state}",
    "returned_refugees": "the number of refugee returns to {state} recorded by UNHCR "
                         "(voluntariness not assessed)",
    "refugees_hosted": "the number of refugees hosted by {state}",
    "refugees_hosted_per_1000": "the number of refugees hosted by {state} per 1,000 residents",
    "idps": "the number of internally displaced people in {state} counted by UNHCR",
    "idps_idmc": "the number of people internally displaced by conflict and violence in {state} "
                 "(IDMC)",
    "trafficking_victims_detected": "the number of trafficking victims detected in {state}",
}
