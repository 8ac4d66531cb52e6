"""Numbers and names as the findings' sentences write them. A missing value reads "n/a"."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

from analysis import catalogue

NA = "n/a"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def compact(x) -> str:
    """Axis-style: 950, 1.5k, 2.3M, 4.1bn."""
    if _missing(x):
        return NA
    sign = "-" if x < 0 else ""
    a = abs(float(x))
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if a >= size:
            return f"{sign}{a / size:.3g}{suffix}"
    return f"{sign}{a:.3g}" if a < 1000 else f"{sign}{a:,.0f}"


def number(x, digits: int = 3) -> str:
    """Prose-style, `digits` significant figures: 415,700; 1.2 million; 3.4 billion."""
    if _missing(x):
        return NA
    sign = "-" if x < 0 else ""
    a = abs(float(x))
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if a >= size:
            return f"{sign}{_sig(a / size, digits)} {word}"
    if a >= 1000:
        return f"{sign}{round(a, -int(math.floor(math.log10(a))) + digits - 1):,.0f}"
    return f"{sign}{_sig(a, digits)}"


def _sig(a: float, digits: int) -> str:
    if a == 0:
        return "0"
    decimals = max(digits - 1 - int(math.floor(math.log10(a))), 0)
    text = f"{a:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(x) -> str:
    """Whole counts in full: 4,412."""
    return NA if _missing(x) else f"{float(x):,.0f}"


def superlative(x, word: str = "the most", place: int = 1) -> str:
    """A rank in words: `word` ("the most", "the largest"; "next" with place 2) for the rank
    `place`; any other rank is written as such, so a claim of "the most" that does not hold
    cannot pass as one."""
    if _missing(x):
        return NA
    return word if int(x) == int(place) else f"rank {int(x)}"


def pct(x, decimals: int = 1) -> str:
    return NA if _missing(x) else f"{float(x):.{decimals}f}%"


def signed_pct(x, decimals: int = 1) -> str:
    return NA if _missing(x) else f"{float(x):+.{decimals}f}%"


def points(x, decimals: int = 1) -> str:
    """A change in a share, in percentage points."""
    return NA if _missing(x) else f"{float(x):+.{decimals}f} percentage points"


def usd(x) -> str:
    return NA if _missing(x) else f"US${number(x)}"


def name(iso3: str) -> str:
    """A code's name as the UN writes it (a catalogue state's short form): catalogue.un_name."""
    return catalogue.un_name(iso3)


# UN names that take "the" inside a sentence (the UN's editorial usage: "the Sudan", "the
# Niger"), besides those `the` recognises by their form (United ..., Republic of ...,
# Democratic ..., State of ..., Netherlands ..., Isle of ..., ... Islands, ... Republic).
_WITH_THE = frozenset({"Bahamas", "Comoros", "Congo", "Gambia", "Holy See", "Maldives",
                       "Niger", "Philippines", "Russian Federation", "Seychelles", "Sudan"})
_THE_PREFIXES = ("United ", "Republic of ", "Democratic ", "State of ", "Netherlands",
                 "Isle of ")


def the(country: str) -> str:
    """A country's display name as it reads inside a sentence: 'the United States', 'the
    Republic of Korea', 'the Solomon Islands', 'the Syrian Arab Republic'; other names
    unchanged ('Iran', 'China, Hong Kong SAR'). Takes a name, not a code: `the(name("USA"))`."""
    takes_the = (country in _WITH_THE or country.startswith(_THE_PREFIXES)
                 or country.endswith((" Islands", " Republic")))
    return f"the {country}" if takes_the else country


def names(codes: Iterable[str]) -> str:
    """'Tajikistan, Kyrgyzstan and Uzbekistan'."""
    labels = [name(c) for c in codes]
    return listing(labels) if labels else "none"


def listing(parts: Iterable[str]) -> str:
    """Text parts as a sentence lists them: 'a, b and c' (one part as it is)."""
    parts = list(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def times(x) -> str:
    """A ratio as '3.2 times'."""
    return NA if _missing(x) else f"{float(x):.1f} times"


def decimal(x, decimals: int = 1) -> str:
    """A plain number with fixed decimals: '41.5'."""
    return NA if _missing(x) else f"{float(x):.{decimals}f}"


def wrapped(text: str, width: int = 30) -> str:
    """A long category name on as many lines as it needs (a tick label is never cut)."""
    return textwrap.fill(str(text), width)
