"""Every superlative a caption or finding states is a claim that holds (issue 18, defect 10):
"the most", "the largest", "the highest", "most often", "next", "peak" and "only" are recorded
in the ledger as a rank (or a count) whose shown text is the phrase itself, so the claims check
recomputes it; a false one shows as "rank N" and fails. Non-comparative uses (chart
descriptions, "only part of the year") are allowed below, each with its reason."""

from __future__ import annotations

import re

import pytest
from claimcheck import Tables, check_summary, check_text
from themerun import published_record

from analysis import catalogue
from analysis.claims import Ledger

PHRASES = re.compile(
    r"\b(the most|the largest|the highest|the lowest|the smallest|the fewest|most often|"
    r"highest|lowest|largest|the peak|peak|next|only)\b", re.IGNORECASE)

# Uses that state no comparison of data (or one still open), each with its reason.
ALLOWED = [
    (r"cover only part of (the|its) year|covers? only part of|figures for \d{4} cover only",
     "says how much of a year a source covers"),
    (r"only where it runs", "says where UNHCR counts IDPs at all"),
    (r"complete years only|full years only", "says which years are drawn"),
    (r"first (three quarters|half) only", "says which part of a year a figure covers"),
    (r"reported only for", "says which years a state reported"),
    (r"compared only with its largest destination", "defines the chart's comparison"),
    (r"'fell' only when", "states the rule for 'rose' and 'fell'"),
    (r"only the marked years", "says which years the chart marks"),
    (r"nationals of [^.;]* only, is", "defines the lower bound (incidents of those only)"),
    (r"with population only", "says what the rate does not measure"),
    (r"only suppressed small counts", "says why no count is shown"),
    (r"the largest ones, not every year", "describes the events drawn"),
    (r"two largest destinations", "names the corridors drawn (their selection, not a claim)"),
    (r"the (\d+ )?largest corridors? (from|of)", "names the corridors drawn"),
    # Open: comparisons the ledger has no op for yet (a rank of changes, of years of a
    # corridor sum or of records, of IOM causes, of events across states). Each is reported
    # as still open; remove its line when it becomes a claim.
    (r"the largest (fall|rise) was", "open: a rank of percentage changes"),
    (r"largest change among the participating states", "open: a rank of changes"),
    (r"The most deaths and disappearances recorded", "open: a rank of record years"),
    (r"The most common recorded cause", "open: IOM causes are no claim table"),
    (r"a peak of", "open: a rank of years of a corridor sum"),
    (r"The largest disaster displacement events in the data",
     "open: a rank of events across states (the chart's top three, listed)"),
]


def _allowed(text: str, match: re.Match) -> bool:
    return any(a.start() <= match.start() and a.end() >= match.end()
               for pattern, _why in ALLOWED for a in re.finditer(pattern, text, re.IGNORECASE))


def unclaimed_superlatives(text: str, claims: list[dict]) -> list[str]:
    """The superlative phrases in `text` that neither a rank or count claim shows nor the
    allow-list covers; each claim accounts for one phrase."""
    left = [c["shown"].lower() for c in claims if c.get("op") in ("rank", "count")]
    missing = []
    for match in PHRASES.finditer(text):
        phrase = match.group(0).lower()
        if _allowed(text, match):
            continue
        hit = next((s for s in left if phrase in s or s in phrase), None)
        if hit is None:
            missing.append(f"{phrase!r} in {text[max(0, match.start() - 80):match.end() + 40]!r}")
        else:
            left.remove(hit)
    return missing


def _records(built_root, tmp_path_factory, monkeypatch):
    for theme in catalogue.THEMES:
        yield theme.id, published_record(theme.id, tmp_path_factory.mktemp(theme.id),
                                         monkeypatch, built_root.root)
    for state in catalogue.STATES:
        yield state.iso3, published_record("country_profile",
                                           tmp_path_factory.mktemp(state.iso3), monkeypatch,
                                           built_root.root, state.iso3)


def test_every_superlative_of_every_theme_and_profile_is_a_claim_that_holds(
        built_root, tmp_path_factory, monkeypatch):
    missing, entries = [], []
    for key, record in _records(built_root, tmp_path_factory, monkeypatch):
        texts = [(f["caption"], f.get("claims", [])) for f in record["figures"]]
        texts += [(f["text"], f.get("claims", [])) for f in record["findings"]]
        missing += [f"{key}: {m}" for text, claims in texts
                    for m in unclaimed_superlatives(text, claims)]
        entries.append({"id": key, "charts": record["figures"],
                        "findings": record["findings"]})
    assert missing == []
    assert check_summary({"themes": entries}, built_root.processed) == []


def test_the_guard_finds_an_unclaimed_superlative_and_spares_a_description():
    ledger = Ledger()
    shown = ledger.rank(1, "superlative", indicator="idps", states=["AFG"], years=[2024],
                        among=["AFG", "PAK"], fmt_args={"word": "the most"})
    claimed = f"Afghanistan had {shown} internally displaced people."
    assert unclaimed_superlatives(claimed, ledger.to_list()) == []
    assert len(unclaimed_superlatives("Pakistan had the most of them.", [])) == 1
    assert len(unclaimed_superlatives(claimed + " Iran had the highest share.",
                                      ledger.to_list())) == 1
    assert unclaimed_superlatives("UNHCR's 2025 figures cover only part of the year.", []) == []


@pytest.mark.parametrize("word", ["the most", "the highest"])
def test_a_false_superlative_on_the_snapshot_fails_the_claims_check(built_root, word):
    """Tajikistan's 2023 remittances against Pakistan's: worth more of GDP, far fewer US$. The
    data decide which superlative holds; the check fails the other."""
    tables = Tables.read(built_root.processed)
    ind = tables.indicators
    usd = ind[(ind["indicator"] == "remittances_received_usd") & (ind["year"] == 2023)
              & ind["iso3"].isin(["TJK", "PAK"])].set_index("iso3")["value"]
    smaller = usd.idxmin()  # a state the sentence wrongly calls the largest receiver
    ledger = Ledger()
    shown = ledger.rank(1, "superlative", indicator="remittances_received_usd",
                        states=[smaller], years=[2023], among=["TJK", "PAK"],
                        fmt_args={"word": word})
    problems = check_text(f"{smaller} received {shown} in 2023.", ledger.to_list(), tables)
    assert len(problems) == 1 and "shown as 'rank 2'" in problems[0]
