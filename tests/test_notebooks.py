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


THEMES_DIR = REPO_ROOT / "src" / "analysis" / "themes"
MAX_CELL_LINES = 40
MAX_NOTEBOOK_CODE_LINES = 1500  # over all notebooks: the logic lives in analysis.themes


def _module_of(name: str) -> str:
    return "country_profile" if name == catalogue.COUNTRY_PROFILE_NOTEBOOK \
        else next(t.id for t in catalogue.THEMES if t.notebook == name)


@pytest.mark.parametrize("name", ALL)
def test_code_does_not_respell_catalogue_names(name):
    """State names and indicator labels come from the catalogue, never typed into a notebook
    or its theme module."""
    module = (THEMES_DIR / f"{_module_of(name)}.py").read_text(encoding="utf-8")
    trees = [ast.parse(_code(name)), ast.parse(module)]
    docstrings = {id(n.value) for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    strings = [n.value for tree in trees for n in ast.walk(tree)
               if isinstance(n, ast.Constant) and isinstance(n.value, str)
               and id(n) not in docstrings]
    names = [s.name for s in catalogue.STATES] + [i.label for i in catalogue.INDICATORS
                                                    if len(i.label.split()) > 1]
    typed = [n for n in names for s in strings if n in s]
    assert typed == []


@pytest.mark.parametrize("name", ALL)
def test_notebooks_are_thin(name):
    """Issue 17: an analyst's view. No definitions, short cells: the story is in the theme
    module, which has its own tests (tests/test_themes.py)."""
    for i, cell in enumerate(_cells(name)):
        if cell["cell_type"] != "code":
            continue
        source = _source(cell)
        lines = [line for line in source.splitlines() if line.strip()]
        assert len(lines) <= MAX_CELL_LINES, f"{name} cell {i}: {len(lines)} code lines"
        defined = [type(n).__name__ for n in ast.walk(ast.parse(source))
                   if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                                 | ast.Lambda)]
        assert defined == [], f"{name} cell {i} defines: {defined}"


def test_all_notebooks_together_stay_small():
    total = sum(len([line for line in _code(name).splitlines() if line.strip()])
                for name in ALL)
    assert total <= MAX_NOTEBOOK_CODE_LINES, f"{total} code lines over all notebooks"


@pytest.mark.parametrize("name", ALL)
def test_each_notebook_publishes_its_theme_modules_figures(name):
    """Each notebook imports its own theme module and publishes what it returns; the module's
    `outputs` (what tests/test_themes.py runs) calls the same chart functions."""
    module_id = _module_of(name)
    tree = ast.parse(_code(name))
    imported = [(n.module, a.name, a.asname) for n in ast.walk(tree)
                if isinstance(n, ast.ImportFrom) for a in n.names]
    assert ("analysis.themes", module_id, "theme") in imported
    called = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
              and n.func.value.id == "theme"}
    assert called, f"{name} calls nothing of its theme module"
    module_tree = ast.parse((THEMES_DIR / f"{module_id}.py").read_text(encoding="utf-8"))
    outputs = next(n for n in module_tree.body
                   if isinstance(n, ast.FunctionDef) and n.name == "outputs")
    in_outputs = {n.func.id for n in ast.walk(outputs) if isinstance(n, ast.Call)
                  and isinstance(n.func, ast.Name)}
    functions = [n for n in module_tree.body if isinstance(n, ast.FunctionDef)
                 and not n.name.startswith("_")]
    public = {n.name for n in functions}
    # A table the notebook only shows (annotated `-> pd.DataFrame`) publishes nothing.
    tables = {n.name for n in functions if n.returns is not None
              and ast.unparse(n.returns) in ("pd.DataFrame", "DataFrame")}
    assert called <= public, f"{name} calls {called - public}, not in the module"
    skipped = called - {"outputs"} - in_outputs - tables
    assert not skipped, f"{module_id}.outputs skips {sorted(skipped)}"
