"""The notebooks as stored: one per theme, a small parameters cell, a lead in our own words
with the remarks' paragraph numbers, and data only through the package."""

from __future__ import annotations

import ast
import json
import re

import pytest

from analysis import catalogue
from analysis.paths import REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"
THEME_PARAMETERS = {"states", "first_year", "last_year", "output_dir", "formats", "record_file"}
PROFILE_PARAMETERS = {"iso3", "first_year", "last_year", "output_dir", "formats", "record_file"}
ALLOWED_IMPORTS = {"analysis", "pandas", "numpy", "IPython", "matplotlib"}


def _cells(name: str) -> list[dict]:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _code(name: str) -> str:
    return "\n".join(_source(c) for c in _cells(name) if c["cell_type"] == "code")


ALL = [t.notebook for t in catalogue.THEMES] + [catalogue.COUNTRY_PROFILE_NOTEBOOK]


def test_every_theme_has_its_own_numbered_notebook():
    names = [t.notebook for t in catalogue.THEMES]
    assert len(set(names)) == len(names)
    for i, theme in enumerate(catalogue.THEMES, start=1):
        assert theme.notebook == f"{i:02d}_{theme.id}.ipynb"
        assert (NOTEBOOKS / theme.notebook).is_file()


def test_the_themes_cover_all_thirteen_remarks():
    covered = {p for t in catalogue.THEMES for p in t.paragraphs}
    assert covered == set(range(1, 14))


@pytest.mark.parametrize("name", ALL)
def test_parameters_cell_is_small_and_complete(name):
    tagged = [c for c in _cells(name) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged `parameters`"
    tree = ast.parse(_source(tagged[0]))
    names = set()
    for node in tree.body:
        assert isinstance(node, ast.Assign), "only plain assignments in the parameters cell"
        ast.literal_eval(node.value)  # literals only: papermill can override them
        names |= {t.id for t in node.targets}
    expected = PROFILE_PARAMETERS if name == catalogue.COUNTRY_PROFILE_NOTEBOOK \
        else THEME_PARAMETERS
    assert expected <= names
    assert len(names) <= len(expected) + 1  # small: at most one notebook-specific extra


@pytest.mark.parametrize("theme", catalogue.THEMES, ids=lambda t: t.id)
def test_lead_names_each_remark_paragraph(theme):
    lead = _source(_cells(theme.notebook)[0])
    assert _cells(theme.notebook)[0]["cell_type"] == "markdown"
    for paragraph in theme.paragraphs:
        assert re.search(rf"\bParagraph {paragraph}\b", lead), f"paragraph {paragraph} missing"


@pytest.fixture(scope="module")
def remarks_text(snapshot_dir) -> str:
    path = snapshot_dir.parents[1] / "reference" / "almaty-process-2015-closing-remarks.txt"
    if not path.is_file():
        pytest.fail(f"closing remarks not found at {path}", pytrace=False)
    return path.read_text(encoding="utf-8")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


@pytest.mark.parametrize("name", ALL)
def test_leads_paraphrase_rather_than_paste_the_remarks(name, remarks_text):
    words = _words(remarks_text)
    runs = {" ".join(words[i:i + 8]) for i in range(len(words) - 7)}
    markdown = " ".join(_source(c) for c in _cells(name) if c["cell_type"] == "markdown")
    ours = _words(markdown)
    pasted = [" ".join(ours[i:i + 8]) for i in range(len(ours) - 7)
              if " ".join(ours[i:i + 8]) in runs]
    assert pasted == [], f"eight or more words copied from the remarks: {pasted[:3]}"


@pytest.mark.parametrize("name", ALL)
def test_notebooks_read_processed_data_through_the_package_only(name):
    code = _code(name)
    assert "data/raw" not in code and "raw_file" not in code
    assert "read_csv" not in code and "read_parquet" not in code
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            assert module.split(".")[0] in ALLOWED_IMPORTS, f"{name} imports {module}"


@pytest.mark.parametrize("name", ALL)
def test_code_does_not_respell_catalogue_names(name):
    """State names and indicator labels come from the catalogue, never typed into code."""
    strings = [n.value for n in ast.walk(ast.parse(_code(name)))
               if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    names = [s.name for s in catalogue.STATES] + [i.label for i in catalogue.INDICATORS
                                                    if len(i.label.split()) > 1]
    typed = [n for n in names for s in strings if n in s]
    assert typed == []


@pytest.mark.parametrize("name", ALL)
def test_every_chart_is_published_with_a_finding(name):
    cells = [_source(c) for c in _cells(name) if c["cell_type"] == "code"]
    with_charts = [c for c in cells if "nb.chart(" in c]
    assert with_charts, "a notebook makes at least one chart"
    for cell in with_charts:
        # A finding that states numbers passes the ledger that formatted them (issue 10); the
        # claims test checks that no number goes without. `data=` is what the chart draws,
        # offered beside it as CSV (issue 13).
        assert re.search(r"nb\.publish\(chart, \"[a-z0-9_]+\", finding(, claims=\w+)?,\s*"
                         r"data=[^,()]+(\([^()]*\))?\)", cell), cell[:200]
    names = re.findall(r"nb\.publish\(chart, \"([a-z0-9_]+)\"", "\n".join(cells))
    assert len(names) == len(set(names)), "figure names repeat"


# Helpers two notebooks once defined for themselves, now in the package (with tests):
# plotting.mark_flags, catalogue.break_label, metrics.breaks_between, metrics.ratio's flag,
# fmt.the, flags.footnote, nb.chart's own footer, plotting.state_bars' value labels.
MOVED_TO_PACKAGE = {"mark_breaks", "break_name", "breaks_before", "breaks_between",
                    "flagged_ratio", "the", "flag_reason", "footnote", "chart_source",
                    "label_bars"}


@pytest.mark.parametrize("name", ALL)
def test_notebooks_do_not_redefine_package_helpers(name):
    tree = ast.parse(_code(name))
    defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    defined |= {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign)
                for t in n.targets if isinstance(t, ast.Name) and t.id == "BREAK_NAMES"}
    assert defined & (MOVED_TO_PACKAGE | {"BREAK_NAMES"}) == set()
