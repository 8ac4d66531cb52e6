"""PDF font subsets made once per process (issue 22): the same PDF bytes as without the cache,
each subset made once, and matplotlib left alone where its private hook is not as expected."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends import _backend_pdf_ps  # noqa: E402

from analysis import fontcache, plotting  # noqa: E402

METADATA = {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}


def _pdf(title: str) -> bytes:
    plotting.use_style()  # installs the cache
    fig, ax = plt.subplots()
    ax.plot([2015, 2019, 2023], [3.1, 1.2, 2.4])
    ax.set_title(title, fontweight="bold")
    ax.set_xlabel("Türkiye, 2015–2023 (% of GDP)")
    out = io.BytesIO()
    fig.savefig(out, format="pdf", metadata=METADATA)
    plt.close(fig)
    return out.getvalue()


TITLES = ["Remittances received", "Refugees hosted by Iran", "Ωμέγα ≥ 5 “quoted”"]


def test_the_cache_gives_the_same_pdf_bytes_as_fonttools(monkeypatch):
    assert fontcache.install()
    cached = [_pdf(t) for t in TITLES]
    again = [_pdf(t) for t in TITLES]  # now every subset comes from the cache
    wrapper = _backend_pdf_ps.get_glyphs_subset
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset", wrapper.__wrapped__)
    monkeypatch.setattr(fontcache, "install", lambda: False)  # use_style must not re-install
    plain = [_pdf(t) for t in TITLES]
    assert cached == plain
    assert again == plain
    assert len(set(plain)) == len(TITLES)  # the titles' glyphs differ, and so do the PDFs


def test_each_subset_is_made_once(monkeypatch):
    assert fontcache.install()
    made = []
    wrapper = _backend_pdf_ps.get_glyphs_subset
    original = wrapper.__wrapped__
    # count the calls that reach fontTools, through a fresh cache around a counting original
    counting = fontcache._caching(lambda f, g: made.append(1) or original(f, g), _backend_pdf_ps)
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset", counting)
    _pdf("A title seen twice")
    first = len(made)
    assert first >= 2  # regular and bold
    _pdf("A title seen twice")
    assert len(made) == first
    _pdf("Another title")
    assert len(made) > first


@pytest.mark.parametrize("stand_in", [lambda fontfile: None, lambda fontfile, glyphs, x: None])
def test_an_unexpected_hook_is_left_alone(monkeypatch, stand_in):
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset", stand_in)
    assert fontcache.install() is False
    assert _backend_pdf_ps.get_glyphs_subset is stand_in
