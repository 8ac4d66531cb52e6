"""The provider interface: each module in analysis.providers fills it in, and everything the
catalogue names a provider for can be built by that provider."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import catalogue, providers
from analysis.rawfiles import RawData

STATES = catalogue.state_codes()


@pytest.mark.parametrize("provider_id", providers.IDS)
def test_each_provider_module_defines_its_provider(provider_id):
    provider = providers.get(provider_id)
    assert provider.id == provider_id
    assert provider.name and provider.files
    assert [s.name for s in provider.raw_specs] == list(provider.all_files)
    assert callable(provider.fetch_live), f"{provider_id}: no live client"  # README: all have one
    assert provider.live_steps() >= 1
    # one URL each, or a comma-separated list of them (KNOMAD_MATRIX_URLS)
    assert all(s.env.endswith(("_URL", "_URLS")) for s in provider.live_urls)


def test_unknown_provider_is_named():
    with pytest.raises(KeyError, match="unknown provider 'imf'; known: worldbank, unhcr"):
        providers.get("imf")


def test_every_catalogue_entry_has_a_provider_that_builds_it(built_root):
    """Each provider named by the catalogue builds that entry's rows from the real snapshot's
    raw files: rows of that very indicator or measure, with numbers in them."""
    raw = RawData(built_root)
    for ind in catalogue.INDICATORS:
        if ind.provider == "derived":
            continue
        rows = providers.get(ind.provider).indicator_rows(raw, ind)
        assert set(rows["indicator"]) == {ind.id}, ind.id
        assert rows["value"].notna().any() and set(rows["iso3"]) <= set(STATES), ind.id
    for measure in catalogue.CORRIDOR_MEASURES:
        rows = providers.get(measure.provider).corridor_rows(raw, measure)
        assert set(rows["measure"]) == {measure.id}, measure.id
        assert rows["value"].notna().any(), measure.id
    for record in catalogue.RECORD_MEASURES:
        built = [t.build(raw) for t in providers.get(record.provider).tables]
        column = f"{record.by}_iso3"
        assert any({record.field, column} <= set(frame.columns)
                   and frame[record.field].notna().any() for frame in built), record.id


def test_endpoint_variables_and_table_names_are_unique():
    envs = [s.env for p in providers.all_providers() for s in p.live_urls]
    tables = [t.name for p in providers.all_providers() for t in p.tables]
    assert len(envs) == len(set(envs)) and len(tables) == len(set(tables))


def test_catalogue_json_lists_the_providers():
    exported = catalogue.to_dict()["providers"]
    assert [p["id"] for p in exported] == list(providers.IDS)
    assert all(set(p) == {"id", "name", "files", "optional_files"} for p in exported)


def test_commands_needing_only_provider_ids_stay_light():
    """Lock recovery and option checks run before every command: no pandas, no HTTP client."""
    code = ("import sys; from analysis import cli, swap, options; "
            "from analysis.paths import project_paths;"
            " swap.recover(project_paths(sys.argv[1])); options.parse_sources('iom,unhcr');"
            " print(sorted(m for m in ('pandas', 'requests') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, "/nonexistent-root"], check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "[]"
