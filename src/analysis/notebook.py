"""What a notebook calls to take part in the report.

    nb = notebook.start_theme("remittances", states=states, first_year=first_year, ...)
    frame = nb.indicators(["remittances_received_pct_gdp"])
    chart = nb.chart("Remittances", "% of GDP", indicators=["remittances_received_pct_gdp"])
    ...
    c = nb.claims()
    nb.publish(chart, "remittances_pct_gdp_trend",
               f"In {year}, ... {c.value(v, 'pct', indicator=..., states=[s], years=[year])}",
               claims=c)
    nb.finding(notebook.theme_lead(nb.id))  # text that states no number needs no claims
    nb.key_figure(frame, "remittances_received_pct_gdp", "TJK")

The session checks the parameters, loads data for the chosen states and years (through
`analysis.load` only), saves each chart in every format under the output folder, shows it with
its findings, and keeps a run record (JSON) listing figures (each with the claims of its
caption), other findings (`{text, claims}`) and key figures. Every number a caption or finding
states is formatted by a claims ledger (`analysis.claims`), which records what it is. The
report runner names the record file; run interactively, the figures are still saved but no
record is kept.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import atomic, catalogue, chartdata, comparison, flags, load, metrics, plotting
from analysis.claims import Ledger
from analysis.errors import AnalysisError
from analysis.paths import Paths, project_paths
from analysis.themes.common import Figure, Finding

RECORD_FORMAT = 1
# Added to the caption of a chart that draws a jump the build's screen found and no one has
# reviewed yet (issue 18): the caption's words must not be read as real change there.
UNREVIEWED_SENTENCE = ("Some values drawn here are jumps that the data screen found and no one "
                       "has reviewed yet (marked \"unreviewed\" in the note and the CSV): they "
                       "are not read here as real change.")
DEFAULT_ROLES = (catalogue.PARTICIPATING, catalogue.COMPARATOR)


def check_states(states, parameter: str = "states") -> list[str] | None:
    """A list of catalogue ISO3 codes (a comma-separated string is accepted), or None."""
    if states is None:
        return None
    if isinstance(states, str):
        states = [s for s in states.split(",")]
    codes = [str(s).strip().upper() for s in states if str(s).strip()]
    unknown = catalogue.unknown_states(codes)
    if unknown or not codes:
        raise AnalysisError(f"parameter {parameter}={states!r}: unknown state(s) "
                            f"{', '.join(unknown) or '(none given)'}; "
                            f"known: {', '.join(catalogue.state_codes())}")
    return codes


def check_years(first_year, last_year) -> tuple[int | None, int | None]:
    def as_year(value, name):
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise AnalysisError(f"parameter {name}={value!r}: not a year") from None

    first, last = as_year(first_year, "first_year"), as_year(last_year, "last_year")
    if first is not None and last is not None and first > last:
        raise AnalysisError(f"parameters first_year={first} > last_year={last}: the year range "
                            "is inverted")
    return first, last


@dataclass
class Session:
    kind: str  # "theme" or "country"
    id: str  # theme id or ISO3 code
    states: list[str]
    first_year: int | None
    last_year: int | None
    output_dir: Path
    figure_dir: Path
    formats: list[str]
    record_file: Path | None
    paths: Paths
    figures: list[dict] = field(default_factory=list)
    key_figures: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)  # {text, claims}, besides captions

    # -- data -------------------------------------------------------------

    @property
    def citation_title(self) -> str:
        """How our citation names this notebook's output."""
        if self.kind == "country":
            return (f"Almaty Process migration evidence report, country profile of "
                    f"{catalogue.state(self.id).name}")
        return f"Almaty Process migration evidence report, {catalogue.theme(self.id).title}"

    @property
    def years(self) -> tuple[int, int]:
        return (self.first_year or 0, self.last_year or 9999)

    def indicators(self, ids: str | Iterable[str], states: Iterable[str] | None = None
                   ) -> pd.DataFrame:
        """Processed indicator rows for the session's states (or `states`) and years. An empty
        `states` gives an empty frame (not every state)."""
        chosen = self.states if states is None else list(states)
        if not chosen:
            return load.indicators(ids, years=(1, 0), paths=self.paths)
        return load.indicators(ids, states=chosen, years=self.years, paths=self.paths)

    def corridors(self, measure: str | Iterable[str], origins: Iterable[str] | None = None,
                  destinations: Iterable[str] | None = None) -> pd.DataFrame:
        """Bilateral rows within the years; an empty `origins` or `destinations` list gives an
        empty frame."""
        origins = None if origins is None else list(origins)
        destinations = None if destinations is None else list(destinations)
        if origins == [] or destinations == []:
            return load.corridors(measure, years=(1, 0), paths=self.paths)
        return load.corridors(measure, origins=origins, destinations=destinations,
                              years=self.years, paths=self.paths)

    def missing_migrants(self, states: Iterable[str] | None = None) -> pd.DataFrame:
        """IOM records involving the session's states (or `states`), within the years."""
        chosen = self.states if states is None else list(states)
        frame = load.missing_migrants(chosen, paths=self.paths)
        first, last = self.years
        return frame[(frame["year"] >= first) & (frame["year"] <= last)].reset_index(drop=True)

    def trafficking_breakdowns(self, states: Iterable[str] | None = None) -> pd.DataFrame:
        """UNODC GLOTIP breakdown rows of the session's states (or `states`) within the years
        (see `analysis.load.trafficking_breakdowns`: never sum across dimensions)."""
        return self._breakdown(load.trafficking_breakdowns, states)

    def frontex_routes(self, nationalities: Iterable[str] | None = None) -> pd.DataFrame:
        """Frontex detections by nationality and route within the years (detections, not
        people; the running year is flagged P)."""
        return self._breakdown(load.frontex_routes, nationalities)

    def displacement_by_cause(self, states: Iterable[str] | None = None) -> pd.DataFrame:
        """IDMC new displacements by kind (conflict, disaster) and cause within the years."""
        return self._breakdown(load.displacement_by_cause, states)

    def _breakdown(self, loader, states) -> pd.DataFrame:
        chosen = self.states if states is None else list(states)
        years = self.years if chosen else (1, 0)
        return loader(chosen or None, years=years, paths=self.paths)

    def vintage(self) -> dict:
        return load.vintage(paths=self.paths)

    def partial_year(self, indicator: str) -> int | None:
        """The incomplete latest year of the indicator's source(s), if any (e.g. UNHCR's
        mid-year figures); see `metrics.partial_year`."""
        vintage = self.vintage()
        years = [metrics.partial_year(vintage.get(catalogue.indicator(i).provider, {}))
                 for i in plotting.base_indicators([indicator])]
        years = [y for y in years if y is not None]
        return min(years) if years else None

    def complete(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame without any indicator's incomplete latest year."""
        keep = pd.Series(True, index=frame.index)
        for ind in frame["indicator"].unique():
            year = self.partial_year(ind)
            if year is not None:
                keep &= ~((frame["indicator"] == ind) & (frame["year"] >= year))
        if "flag" in frame.columns:
            keep &= frame["flag"] != "P"
        return frame[keep].reset_index(drop=True)

    @staticmethod
    def footnote(frame: pd.DataFrame) -> str | None:
        """What a chart drawing `frame` must say about its flagged observations (breaks with
        their reasons, not-reported gaps, estimates, projections, few-case rates)."""
        return flags.footnote(frame)

    # -- charts -----------------------------------------------------------

    def source(self, indicators: Iterable[str] = (), measures: Iterable[str] = (),
               records: Iterable[str] = (), note: str | None = None) -> str:
        return plotting.source_note(indicators, measures, records, note, paths=self.paths)

    def chart(self, title: str, subtitle: str, *, indicators: Iterable[str] = (),
              measures: Iterable[str] = (), records: Iterable[str] = (),
              note: str | None = None, source: str | None = None, **kwargs
              ) -> plotting.Chart:
        """A new chart whose footer names the sources of the given indicators, corridor
        measures or record measures (or `source`, for an analyst's file), each with its age,
        then the caveats of `note`, each once."""
        indicators, measures, records = list(indicators), list(measures), list(records)
        if source:
            line = data_line = source
        else:
            line, data_line = plotting.source_lines(indicators, measures, records,
                                                    paths=self.paths)
        chart = plotting.new_chart(title, subtitle, line, note=note, **kwargs)
        chart.definitions = catalogue.definitions(indicators, measures, records)
        # A computed series' CSV rows give this as their vintage (their caveats are in the
        # CSV's `note` column and the chart's footer, not repeated in every row).
        chart.data_source = data_line
        return chart

    def claims(self) -> Ledger:
        """A new ledger for the numbers of one caption or finding (see `analysis.claims`)."""
        return Ledger()

    def publish(self, chart: plotting.Chart | Figure, name: str | None = None,
                finding: str | None = None, alt: str | None = None,
                claims: Ledger | None = None, data: pd.DataFrame | None = None) -> list[str]:
        """Save the chart in every format and `data` (exactly the values it draws, see
        `analysis.chartdata`) as `<name>.csv`, show it followed by its finding, and record it
        with the claims of the finding's numbers and its citation. Returns the written paths
        relative to the output folder. A theme module's `Figure` carries all of these:
        `nb.publish(fig)`."""
        if isinstance(chart, Figure):
            if name is not None or finding is not None or claims is not None or data is not None:
                raise AnalysisError(f"chart {chart.name!r}: a Figure carries its name, finding, "
                                    "claims and data; pass it alone")
            chart, name, finding, claims, data = (chart.chart, chart.name, chart.finding,
                                                  chart.claims, chart.data)
        if name is None or finding is None:
            raise AnalysisError("publish: pass a Figure, or a chart with its name and finding")
        recorded = _claims_of(finding, claims)
        where = f"chart {name!r}"
        if data is None:
            raise AnalysisError(f"{where}: pass data= (the values the chart draws) so that "
                                "the report offers them beside the figure")
        # Slide-ready (issue 13): no bars on a log scale, at most six lines a panel.
        defects = plotting.chart_defects(chart, draw=False)
        if defects:
            raise AnalysisError(f"{where}: not ready for a slide: {'; '.join(defects)}")
        rows = chartdata.tidy(data, chart_source=chart.data_source or chart.source, where=where,
                              paths=self.paths)
        finding = self._window_said(rows, finding)
        chartdata.check_drawn(rows, chart.fig, where)
        # A row's notes are joined by " | ": an unreviewed one may follow a reviewed one.
        if rows["note"].str.contains(f"(?:^| \\| ){flags.UNREVIEWED}:").any():
            finding = f"{finding} {UNREVIEWED_SENTENCE}"
        written = plotting.save(chart, self.figure_dir, name, self.formats)
        files = {f: p.relative_to(self.output_dir).as_posix() for f, p in written.items()}
        csv = self.figure_dir / f"{name}.csv"
        from analysis import csvsafe  # text cells that a spreadsheet would run get a "'"

        atomic.write_text(csv, csvsafe.csv_text(rows))
        self.figures = [f for f in self.figures if f["name"] != name]
        self.figures.append({
            "name": name,
            "title": chart.title,
            "subtitle": chart.subtitle,
            "source": chart.source,
            "caption": finding,
            "alt": alt or f"{chart.kind}: {chart.title} ({chart.subtitle}). {finding}",
            "files": files,
            "data": {"csv": csv.relative_to(self.output_dir).as_posix(), "rows": len(rows)},
            "citation": chartdata.citation(rows, chart.title, self.citation_title, name,
                                           paths=self.paths),
            "claims": recorded,
            "definitions": chart.definitions,
            "caveats": chart.caveats,
        })
        self._write_record()
        _show_saved(chart.fig, written)
        plt.close(chart.fig)
        _show_markdown(finding)  # a caption is the chart's, not one of `findings`
        return list(files.values())

    def _window_said(self, rows: pd.DataFrame, finding: str) -> str:
        """The caption, saying where the data start when a chart over years starts after the
        theme's first year because the data for the drawn states begin later (issue 19: one
        window per theme unless the caption says why). A chart that starts later by the
        module's choice says why itself (tests/test_frame.py checks)."""
        years = comparison.series_years(rows)
        if (self.kind != "theme" or self.first_year is None or len(years) < 3
                or years[0] <= self.first_year or comparison.window_reason(finding, years[0])):
            return finding
        if self._data_start(rows) == years[0]:
            return finding + comparison.window_sentence(years[0])
        return finding

    def _data_start(self, rows: pd.DataFrame) -> int | None:
        """The first year (within the session's years) with a value of the rows' indicators or
        corridor measures for the drawn states; None for rows of other kinds."""
        ids = set(rows["series"].dropna())
        # An id may name both an indicator and a corridor measure: the row's keys decide.
        by_state = rows["iso3"].notna()
        indicators = sorted(set(rows.loc[by_state, "series"].dropna()))
        measures = sorted(set(rows.loc[~by_state, "series"].dropna()))
        if not (set(indicators) <= {x.id for x in catalogue.INDICATORS}
                and set(measures) <= {x.id for x in catalogue.CORRIDOR_MEASURES}) or not ids:
            return None
        firsts = []
        if indicators:
            states = sorted(set(rows["iso3"].dropna()))
            loaded = self.indicators(indicators, states=states).dropna(subset=["value"])
            firsts.append(loaded["year"].min())
        if measures:
            loaded = self.corridors(measures, origins=sorted(set(rows["origin_iso3"].dropna())),
                                    destinations=sorted(set(rows["destination_iso3"].dropna()))
                                    ).dropna(subset=["value"])
            firsts.append(loaded["year"].min())
        firsts = [int(f) for f in firsts if pd.notna(f)]
        return min(firsts) if firsts else None

    def finding(self, text: str | Finding, claims: Ledger | None = None) -> None:
        """Show a finding and record it with the claims of its numbers. A text stating no
        number (a lead, a heading) needs no claims. The same text again replaces it. A theme
        module's `Finding` carries its claims: `nb.finding(found)`."""
        if isinstance(text, Finding):
            if claims is not None:
                raise AnalysisError("finding: a Finding carries its claims; pass it alone")
            text, claims = text.text, text.claims
        recorded = _claims_of(text, claims)
        self.findings = [f for f in self.findings if f["text"] != text]
        self.findings.append({"text": text, "claims": recorded})
        self._write_record()
        _show_markdown(text)

    # -- key figures ------------------------------------------------------

    def key_figure(self, frame: pd.DataFrame, indicator: str, iso3: str,
                   year: int | None = None) -> float:
        """Record the processed value of `indicator` for `iso3` in `year` (default: its
        latest year in `frame`) and return it. The value is read from the frame the notebook
        loaded, never typed in."""
        rows = frame[(frame["indicator"] == indicator) & (frame["iso3"] == iso3)] \
            .dropna(subset=["value"])
        if year is None and not rows.empty:
            year = int(rows["year"].max())
        rows = rows[rows["year"] == year]
        if len(rows) != 1:
            raise AnalysisError(f"key figure {indicator} for {iso3} in {year}: "
                                f"{len(rows)} rows in the frame, expected 1")
        row = rows.iloc[0]
        return self.record_key_figure(indicator, iso3, int(row["year"]), float(row["value"]),
                                      str(row["unit"]), str(row.get("flag", "") or ""))

    def record_key_figure(self, indicator: str, iso3: str, year: int, value: float,
                          unit: str, flag: str = "") -> float:
        label, catalogue_unit = catalogue.measure_label_unit(indicator)
        catalogue.state(iso3)
        if self.kind == "theme" and not comparison.is_participant(iso3):
            # A theme's key figures are the participants' (issue 19): never an observer's or
            # the comparator's, which a headline table would read as one of the nine.
            raise AnalysisError(f"key figure {indicator} for {iso3}: a theme's key figures are "
                                "participating states' only")
        if unit != catalogue_unit:
            raise AnalysisError(f"key figure {indicator}: unit {unit!r} differs from the "
                                f"catalogue's {catalogue_unit!r}")
        if flag and flag not in catalogue.FLAG_MEANINGS:
            raise AnalysisError(f"key figure {indicator}: unknown flag {flag!r}")
        entry = {"indicator": indicator, "iso3": iso3, "year": int(year),
                 "value": float(value), "unit": unit, "flag": flag}
        self.key_figures = [k for k in self.key_figures
                            if (k["indicator"], k["iso3"], k["year"]) != (indicator, iso3, year)]
        self.key_figures.append(entry)
        self._write_record()
        return float(value)

    # -- record -----------------------------------------------------------

    def _write_record(self) -> None:
        if self.record_file is None:
            return
        record = {"format": RECORD_FORMAT, "kind": self.kind, "id": self.id,
                  "states": self.states, "figures": self.figures,
                  "findings": self.findings, "key_figures": self.key_figures,
                  "reads": _processed_files_read(self.paths), "code": _package_files_used()}
        atomic.write_text(self.record_file, json.dumps(record, indent=2, ensure_ascii=False)
                          + "\n")


def _claims_of(text: str, ledger: Ledger | None) -> list[dict]:
    """The ledger's claims, once each claimed number is seen in the text."""
    if ledger is None:
        return []
    if not isinstance(ledger, Ledger):
        raise AnalysisError(f"claims={ledger!r}: expected a ledger from nb.claims(), or None")
    ledger.check(text)
    return ledger.to_list()


def _processed_files_read(paths: Paths) -> list[str]:
    """The processed files this kernel has read, relative to data/processed."""
    out = []
    for path in load.files_read():
        try:
            out.append(path.relative_to(paths.processed).as_posix())
        except ValueError:
            out.append(str(path))
    return out


def _package_files_used() -> list[str]:
    """The package's files this kernel has loaded (modules and the chart style), relative to
    the package: their content decides the figures as much as the notebook does."""
    package = Path(__file__).parent
    files = set()
    for name, module in list(sys.modules.items()):
        if name == "analysis" or name.startswith("analysis."):
            path = getattr(module, "__file__", None)
            if path and Path(path).is_relative_to(package):
                files.add(Path(path).relative_to(package).as_posix())
    if "analysis.plotting" in sys.modules:
        files.add("house.mplstyle")
    return sorted(files)


def _show_saved(fig, written: dict) -> None:
    """Show a published chart from the file just saved (PNG, else SVG) instead of rendering it
    once more for the notebook; only a PDF-only chart is rendered for display."""
    try:
        from IPython import get_ipython
        from IPython.display import SVG, Image, display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is None:
        return
    if "png" in written:
        width = round(fig.get_figwidth() * fig.get_dpi())  # shown at its on-screen size
        display(Image(data=Path(written["png"]).read_bytes(), format="png", width=width))
    elif "svg" in written:
        display(SVG(data=Path(written["svg"]).read_text(encoding="utf-8")))
    else:
        display(fig)


def _show_markdown(text: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover
        print(text)
        return
    if get_ipython() is not None:
        display(Markdown(text))
    else:
        print(text)


def _session(kind: str, id_: str, states, default_states: list[str], first_year, last_year,
             output_dir, formats, record_file, subfolder: str) -> Session:
    paths = project_paths()
    chosen = check_states(states) or default_states
    first, last = check_years(first_year, last_year)
    out = Path(output_dir).resolve() if output_dir else paths.reports
    session = Session(
        kind=kind, id=id_, states=chosen, first_year=first, last_year=last, output_dir=out,
        figure_dir=out / subfolder, formats=plotting.check_formats(formats or plotting.FORMATS),
        record_file=Path(record_file) if record_file else None, paths=paths)
    session._write_record()  # an empty record says the notebook got this far
    plotting.use_style()
    return session


def start_theme(theme_id: str, *, states=None, first_year=None, last_year=None,
                output_dir=None, formats=None, record_file=None,
                default_roles: Iterable[str] = DEFAULT_ROLES) -> Session:
    """A session for one theme notebook; figures go to <output>/figures/<theme>/."""
    theme = catalogue.theme(theme_id)
    defaults = [s.iso3 for s in catalogue.STATES if s.role in tuple(default_roles)]
    return _session("theme", theme.id, states, defaults, first_year, last_year, output_dir,
                    formats, record_file, f"figures/{theme.id}")


def start_profile(iso3: str, *, first_year=None, last_year=None, output_dir=None,
                  formats=None, record_file=None) -> Session:
    """A session for one state's profile; figures go to <output>/countries/<ISO3>/."""
    code = check_states([iso3], "iso3")[0]
    return _session("country", code, [code], [code], first_year, last_year, output_dir,
                    formats, record_file, f"countries/{code}")


def theme_lead(theme_id: str) -> str:
    """Markdown: the theme's title, the remarks it covers and the commitment in our words, all
    from the catalogue."""
    theme = catalogue.theme(theme_id)
    paras = ", ".join(str(p) for p in theme.paragraphs)
    label = "paragraph" if len(theme.paragraphs) == 1 else "paragraphs"
    return (f"**{theme.title}** (closing remarks, {label} {paras}). "
            f"In our words: {theme.summary}")
