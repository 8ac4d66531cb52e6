"""A chart's caveats as its footer prints them: each once, numbered where it concerns only
some of the chart's panels (issue 19, item 2).

A theme gives its caveats as one text (`nb.chart(..., note=...)`, mostly the sentences of
`flags.footnote`, sometimes joined with its own). Here that text is cut into sentences;
a sentence said twice, or contained in another, is kept once; breaks given the same reason
are said once for all the states they concern. Each sentence is then matched with the panels
that draw the states (and years) it names: a caveat that concerns every panel, or names no
state, is printed plainly; the others are grouped by the panels they concern and numbered,
the number following those panels' titles ("Central Asia ¹") and leading the group in the
footer ("¹ Break in series ...").

    notes = footer.footnotes(note, [keys drawn in panel 1, keys drawn in panel 2, ...])
    notes.text()          # the caveats, each once: summary.json's `caveats`
    notes.marks(1)        # "¹" or "": what follows panel 1's title
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from analysis import catalogue

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"

# The leads `flags.footnote` writes (see there): a break names one place and its year; the
# other flags list "place years" items, or "years, n states"; an annotated event "place years:".
_YEARS = r"\d{4}(?:-\d{4})?(?:(?:, | and )\d{4}(?:-\d{4})?)*"
_BREAK = re.compile(r"^Break in series \((?P<items>[^()]+), (?P<year>\d{4})\): (?P<reason>.+)$")
_FLAG = re.compile(r"^(?:Not reported, left as gaps|Estimate|Projection|Hollow markers or bars)"
                   r" \((?P<items>[^()]+)\): ")
_EVENT = re.compile(rf"^(?P<who>[A-Z][^:()]*?) (?P<years>{_YEARS}): ")
_ITEM = re.compile(rf"^(?P<who>.+?) (?P<years>{_YEARS})$")
# Gaps are not drawn: a "not reported" caveat concerns the panels that draw the place at all.
_UNDRAWN = "Not reported"


def sentences(text: str | None) -> list[str]:
    """`text` cut at each full stop that ends a sentence: followed by a space and a capital
    (or a digit), outside parentheses."""
    if not text:
        return []
    out, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "." and depth <= 0 and text[i + 1:i + 2] == " " \
                and (text[i + 2:i + 3].isupper() or text[i + 2:i + 3].isdigit()):
            out.append(text[start:i + 1].strip())
            start = i + 2
    out.append(text[start:].strip())
    return [s for s in out if s]


def _listing(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _merge_breaks(said: list[str]) -> list[str]:
    """Breaks with the same reason as one sentence, at the first one's place: "Break in series
    (Uzbekistan and Tajikistan, 2006): reason." (years apart: "(A, 2016; B, 2022)")."""
    places: dict[str, dict[str, list[str]]] = {}  # reason -> year -> places
    for sentence in said:
        found = _BREAK.match(sentence)
        if found and ";" not in found["items"]:
            by_year = places.setdefault(found["reason"], {})
            who = by_year.setdefault(found["year"], [])
            if found["items"] not in who:
                who.append(found["items"])
    out, done = [], set()
    for sentence in said:
        found = _BREAK.match(sentence)
        if not found or found["reason"] not in places:
            out.append(sentence)
        elif found["reason"] not in done:
            done.add(found["reason"])
            lead = "; ".join(f"{_listing(who)}, {year}"
                             for year, who in sorted(places[found["reason"]].items()))
            out.append(f"Break in series ({lead}): {found['reason']}")
    return out


def unique(said: Iterable[str]) -> list[str]:
    """Each sentence once, in first-said order: a repeat, or a sentence contained in another
    one, is dropped; breaks with one reason are merged."""
    said = list(dict.fromkeys(s.strip() for s in said if s.strip()))
    kept = [s for s in said
            if not any(s != other and s.rstrip(".") in other for other in said)]
    return _merge_breaks(kept)


def _years(text: str) -> set[int]:
    out: set[int] = set()
    for part in re.split(r", | and ", text):
        first, _, last = part.partition("-")
        out.update(range(int(first), int(last or first) + 1))
    return out


def _codes(who: str) -> set[str]:
    """The catalogue states a place names ("Kazakhstan", "Afghanistan to Iran"), and the
    place's own words (a chart may key a country outside the catalogue by its name)."""
    by_name = {catalogue.state(c).name: c for c in catalogue.state_codes()}
    out = {who}
    for part in re.split(r" to | and |, ", who):
        out.add(part)
        if part in by_name:
            out.add(by_name[part])
    return out


def places(sentence: str) -> list[tuple[set[str], set[int]]]:
    """(keys, years) for each place a caveat names in its lead; empty when it names none
    ("Projection (2024, 12 states)") or is not a flag's or event's sentence. Years are empty
    where the caveat is about values not drawn (gaps)."""
    found = _BREAK.match(sentence)
    if found:  # "(Tajikistan and Uzbekistan, 2006)" or "(Afghanistan, 2016; Pakistan, 2022)"
        items = f"{found['items']}, {found['year']}".split("; ")
        return [(_codes(who), {int(year)}) for who, year in (i.rsplit(", ", 1) for i in items)]
    found = _FLAG.match(sentence)
    if found:
        out = []
        for item in found["items"].split("; "):
            one = _ITEM.match(item)
            if one is None or one["who"][:1].isdigit() or one["who"].endswith("states"):
                continue
            years = set() if sentence.startswith(_UNDRAWN) else _years(one["years"])
            out.append((_codes(one["who"]), years))
        return out
    found = _EVENT.match(sentence)
    if found and not found["who"].startswith("Break in series"):
        return [(_codes(found["who"]), _years(found["years"]))]
    return []


def _draws(keys: Iterable[tuple], names: set[str], years: set[int]) -> bool:
    """Whether a panel's drawn points (their identifying keys) include a place and, if any
    are given, one of its years."""
    for ids in keys:
        if names.intersection(k for k in ids if isinstance(k, str)) \
                and (not years or years.intersection(k for k in ids if isinstance(k, int))):
            return True
    return False


def _panels_of(sentence: str, panels: Sequence[Sequence[tuple]]) -> tuple[int, ...] | None:
    """The panels (0-based) a caveat concerns; None when that is every panel or unknown."""
    named = places(sentence)
    if len(panels) < 2 or not named:
        return None
    hit = set()
    for names, years in named:
        at = {k for k, keys in enumerate(panels) if years and _draws(keys, names, years)}
        if not at:  # a gap, or panels that do not key their points by year: the place alone
            at = {k for k, keys in enumerate(panels) if _draws(keys, names, set())}
            if len(at) > 1:  # drawn in several panels, each maybe another series: unsure
                return None
        if not at:
            return None  # a place no panel draws: say it for the chart
        hit |= at
    return None if len(hit) == len(panels) else tuple(sorted(hit))


def mark(number: int) -> str:
    """"¹", "²", ... "⁹", then "[10]": superscript digits of DejaVu Sans."""
    return _SUPERSCRIPT[number] if number < 10 else f"[{number}]"


@dataclass
class Footnotes:
    """A chart's caveats, each once: those for the whole chart, then numbered groups, each
    with the panels (0-based, among those given) it concerns."""
    plain: list[str] = field(default_factory=list)
    numbered: list[tuple[tuple[int, ...], list[str]]] = field(default_factory=list)

    def paragraphs(self) -> list[str]:
        """The footer's caveat paragraphs: the plain ones together, then one per number."""
        out = [" ".join(self.plain)] if self.plain else []
        return out + [f"{mark(n)} {' '.join(said)}"
                      for n, (_panels, said) in enumerate(self.numbered, start=1)]

    def text(self) -> str | None:
        return " ".join(self.paragraphs()) or None

    def marks(self, panel: int) -> str:
        """The numbers that follow panel `panel`'s title ("" for none)."""
        return "".join(mark(n) for n, (panels, _said) in enumerate(self.numbered, start=1)
                       if panel in panels)

    def sentences(self) -> list[str]:
        return self.plain + [s for _panels, said in self.numbered for s in said]


def footnotes(note: str | None, panels: Sequence[Sequence[tuple]] = ()) -> Footnotes:
    """`note`'s caveats, each once, grouped by the panels that draw what they name (`panels`:
    per panel with data, the identifying keys of the points it draws, as
    `plotting.record_point` notes them)."""
    out = Footnotes()
    groups: dict[tuple[int, ...], list[str]] = {}
    for sentence in unique(sentences(note)):
        where = _panels_of(sentence, panels)
        if where is None:
            out.plain.append(sentence)
        else:
            groups.setdefault(where, []).append(sentence)
    out.numbered = sorted(groups.items(), key=lambda item: item[0])
    return out
