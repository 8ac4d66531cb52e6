"""How many requests and how long does a full live refresh take?

    python benchmarks/fetch_bench.py [--snapshot DIR] [--repeat N]

Serves the real snapshot, full size, from a local stand-in for the providers
(tests/live_server.py: the World Bank and UNHCR APIs and UNHCR's flow workbook, the UN DESA
workbook, the IOM CSV, the KNOMAD workbooks (both layouts) and RPW's complete dataset,
Eurostat's JSON-stat answer, the GLOTIP and Frontex workbooks, IDMC's GIDD API), runs
the live fetch of every source into a temporary project root N times, and prints the requests
each source made, the bytes received, and the median wall time. For comparison it counts what a
client making one request per state per indicator would need, and measures what UNHCR's full
origin x asylum table (`coo_all=true&coa_all=true`, no filter) would cost.

The wall time includes the stand-in server's own work (filtering and encoding pages with
pandas on the same machine); it measures the client's overhead, not the providers' speed.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from live_server import (  # noqa: E402  (the helper lives beside the tests)
    UNHCR_FLOWS_PATH,
    FakeProviders,
    eurostat_jsonstat,
    frontex_workbook,
    glotip_workbook,
    idmc_results,
    iom_csv,
    money_wire,
    social_spending,
    undesa_workbook,
    unhcr_flows_workbook,
    unhcr_items,
)

from analysis import catalogue  # noqa: E402
from analysis.live import HttpPolicy, fetch_all  # noqa: E402
from analysis.live.http import HttpClient  # noqa: E402
from analysis.paths import project_paths  # noqa: E402
from analysis.progress import Progress  # noqa: E402
from analysis.providers import unhcr  # noqa: E402

PREFIXES = {"worldbank": "/wb/", "unhcr": "/unhcr/", "undesa": "/undesa/", "iom": "/iom/",
            "unodc": "/unodc/", "eurostat": "/eurostat/", "frontex": "/frontex/",
            "idmc": "/idmc/", "knomad": "/knomad/", "rpw": "/rpw/"}


class Lines(logging.Handler):
    """Keeps the fetch's one-line-per-source summaries."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def wire_tables(snapshot: Path) -> dict:
    """The whole snapshot in the providers' wire formats (every country, every year)."""
    wb_codes = [i.code for i in catalogue.INDICATORS if i.provider == "worldbank"]
    wb = pd.concat([pd.read_csv(snapshot / "worldbank" / "indicators.csv"),
                    social_spending(snapshot)])
    wb = wb[wb.indicator.isin(wb_codes)]
    # The snapshot has no SP.POP.TOTL; serve WPP values under that code so the request is real.
    wpp = pd.read_csv(snapshot / "undesa" / "population_wpp2024.csv")
    wpp = wpp[wpp.year >= 1990].rename(columns={"population": "value"})
    wb = pd.concat([wb, wpp.assign(indicator=catalogue.WORLDBANK_POPULATION_CODE)])
    items = {}
    for name in catalogue.provider("unhcr").files:
        rows = pd.read_csv(snapshot / "unhcr" / name, dtype=str, keep_default_na=False)
        items[unhcr.endpoint(name)] = unhcr_items(rows.replace("", None))
    stock = pd.read_csv(snapshot / "undesa" / "migrant_stock_2024.csv")
    mm = pd.read_csv(snapshot / "iom" / "missing_migrants.csv", dtype=str,
                     keep_default_na=False)
    flows = pd.read_csv(snapshot / "unhcr" / "flows.csv", dtype=str, keep_default_na=False)
    glotip = pd.read_csv(snapshot / "unodc" / "glotip.csv", dtype=str, keep_default_na=False)
    return {"worldbank": wb[["indicator", "iso3", "year", "value"]], "unhcr": items,
            "unhcr_flows_xlsx": unhcr_flows_workbook(flows),
            "undesa_xlsx": undesa_workbook(stock), "iom_csv": iom_csv(mm),
            "glotip_xlsx": glotip_workbook(glotip),
            "eurostat_json": eurostat_jsonstat(
                pd.read_csv(snapshot / "eurostat" / "asylum_applicants.csv",
                            keep_default_na=False)),
            "frontex_xlsx": frontex_workbook(
                pd.read_csv(snapshot / "frontex" / "illegal_border_crossings.csv",
                            keep_default_na=False)),
            "idmc": idmc_results(pd.read_csv(snapshot / "idmc" / "new_displacements.csv",
                                             keep_default_na=False)),
            **money_wire(snapshot)}


def per_source(server: FakeProviders) -> dict[str, int]:
    counts = {pid: len(server.paths_requested(prefix)) for pid, prefix in PREFIXES.items()}
    counts["unhcr"] += len(server.paths_requested(UNHCR_FLOWS_PATH))  # UNHCR's flow workbook
    return counts


def naive_requests() -> dict[str, int]:
    """One request per state per indicator (one page each: a lower bound), and one per file."""
    states = len(catalogue.state_codes())
    # + SP.POP.TOTL and the two live-only remittance-cost series
    wb = len([i for i in catalogue.INDICATORS if i.provider == "worldbank"]) + 1 + 2
    un = len([i for i in catalogue.INDICATORS if i.provider == "unhcr"])
    return {"worldbank": wb * states, "unhcr": un * states + 1, "undesa": 1, "iom": 1,
            "unodc": 1, "eurostat": 1, "frontex": 1, "idmc": 2,  # one per file, IDMC per list
            "knomad": 2, "rpw": 1}  # one per workbook (2017, 2021) and file


def unhcr_full_table(server: FakeProviders, config) -> tuple[int, int, int]:
    """Requests, bytes and rows for the unfiltered origin x asylum table of every endpoint."""
    with HttpClient("unhcr", config.http) as client:
        rows = 0
        for name in catalogue.provider("unhcr").files:
            rows += len(unhcr.fetch_query(client, config, name,
                                          {"coo_all": "true", "coa_all": "true"},
                                          Progress("unhcr", None, enabled=False)))
        return client.requests, client.bytes, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", default=str(REPO.parent / "shared" / "data" / "snapshot"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    start = time.perf_counter()
    tables = wire_tables(Path(args.snapshot))
    print(f"serving the full snapshot from a local server (prepared in "
          f"{time.perf_counter() - start:.1f}s)")
    walls, counts = [], None
    with FakeProviders(**tables) as server:
        # production timeouts and retries; none is needed, as the local server does not fail
        config = server.config(http=HttpPolicy(), progress=False)
        lines = Lines()
        summary_log = logging.getLogger("analysis.live")
        summary_log.addHandler(lines)
        summary_log.setLevel(logging.INFO)
        summary_log.propagate = False  # printed once, at the end
        for _ in range(args.repeat):
            lines.messages.clear()
            server.requests.clear()
            with tempfile.TemporaryDirectory() as root:
                start = time.perf_counter()
                code = fetch_all(project_paths(root), list(PREFIXES), refresh=True,
                                 max_age=24, config=config)
                walls.append(time.perf_counter() - start)
            if code != 0:
                sys.exit("the fetch failed:\n" + "\n".join(lines.messages))
            counts = per_source(server)
        server.requests.clear()
        with HttpClient("unhcr", config.http) as client:
            filtered_rows = 0
            for name in catalogue.provider("unhcr").files:
                for query in unhcr.queries(catalogue.state_codes()):
                    filtered_rows += len(unhcr.fetch_query(
                        client, config, name, query, Progress("unhcr", None, enabled=False)))
            filtered = (client.requests, client.bytes, filtered_rows)
        full = unhcr_full_table(server, config)

    naive = naive_requests()
    print(f"\n{'source':<10} {'requests':>8} {'one per state per indicator':>28}")
    for pid in PREFIXES:
        print(f"{pid:<10} {counts[pid]:>8} {naive[pid]:>28}")
    print(f"{'total':<10} {sum(counts.values()):>8} {sum(naive.values()):>28}")
    print(f"\nUNHCR, {len(catalogue.provider('unhcr').files)} endpoints, "
          f"limit {config.unhcr_limit}:")
    for label, (n, size, rows) in [("filtered to the catalogue's states (used)", filtered),
                                   ("full origin x asylum table", full)]:
        print(f"  {label:<42} {n:>3} requests, {rows:>7,} rows, {size / 1e6:6.1f} MB")
    print("\nlast run, per source:")
    for message in lines.messages:
        print("  " + message)
    print(f"\nfull live fetch of all {len(PREFIXES)} sources from the local server: median "
          f"{statistics.median(walls):.2f}s over {args.repeat} runs (min {min(walls):.2f}s, "
          f"max {max(walls):.2f}s)")


if __name__ == "__main__":
    main()
