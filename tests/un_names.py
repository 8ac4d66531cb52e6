"""Names the UN does not use, as the report's text might carry them (tests only).

Each pattern is a spelling that providers and common usage have and the UN (M49, UNTERM) does
not: "Hong Kong" outside "China, Hong Kong SAR", "South Korea", "Vietnam", UNODC's
"Kazakhistan", and the full forms the report replaces with a participant's short form
("Russian Federation", "Iran (Islamic Republic of)"), which would break its consistency.
"""

from __future__ import annotations

import re

NON_UN_NAMES = tuple(re.compile(p) for p in (
    r"(?<!China, )\bHong Kong\b",
    r"\bMacau\b",
    r"(?<!China, )\bTaiwan\b",
    r"\bSouth Korea\b",
    r"\bNorth Korea\b",
    r"\bKorea, (Rep|Dem)",
    r"\bVietnam\b",
    r"\bKazakhistan\b",
    r"\bKazahstan\b",
    r"(?<!State of )\bPalestine\b",
    r"\bPalestinian Territor",
    r"\bTurkey\b",
    r"\bTurkiye\b",
    r"(?<!Republic of )\bMoldova\b",
    r"\bLaos\b",
    r"\bLao PDR\b",
    r"\bSyria\b",
    r"\bCzech Republic\b",
    r"\bIvory Coast\b",
    r"\bSwaziland\b",
    r"\bBurma\b",
    r"\bCape Verde\b",
    r"\bEast Timor\b",
    r"(?<!North )\bMacedonia\b",
    r"\bKyrgyz Republic\b",
    r"\bSlovak Republic\b",
    r"\bDR Congo\b",
    r"\bCongo Republic\b",
    r"\bCongo, (Dem|Rep)",
    r"\bBolivia\b(?! \(Plurinational)",
    r"\bVenezuela\b(?! \(Bolivarian)",
    r"(?<!United Republic of )\bTanzania\b",
    r"\bMicronesia, Fed",
    r"\bSt\. (Kitts|Lucia|Vincent|Helena|Pierre|Barths|Martin)\b",
    r"\bVatican\b",
    r"\bBrunei\b(?! Darussalam)",
    r"\bRussian Federation\b",
    r"\bIran \(Islamic Republic of\)",
    r"\bIslamic Republic of Iran\b",
    r"\bUnited States of America\b",
    r"\b(Egypt, Arab Rep|Yemen, Rep|Gambia, The|Bahamas, The|Iran, Islamic Rep)\b",
))


def non_un_names(text: str) -> list[str]:
    """Every non-UN spelling in `text`, with a little context for the failure message."""
    hits = []
    for pattern in NON_UN_NAMES:
        for match in pattern.finditer(text):
            hits.append(text[max(match.start() - 40, 0):match.end() + 20])
    return hits
