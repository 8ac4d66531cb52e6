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


@pytest.mark.parametrize("base_after", [0, 1000])  # subsets cut from a base font, or not
def test_the_cache_gives_the_same_pdf_bytes_as_fonttools(monkeypatch, base_after):
    assert fontcache.install()
    original = _backend_pdf_ps.get_glyphs_subset.__wrapped__
    monkeypatch.setattr(fontcache, "BASE_AFTER", base_after)
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset",
                        fontcache._caching(original, _backend_pdf_ps))  # a fresh cache
    cached = [_pdf(t) for t in TITLES]
    again = [_pdf(t) for t in TITLES]  # now every subset comes from the cache
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset", original)
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


def test_a_base_font_is_built_once_a_font_has_been_subset_base_after_times(monkeypatch):
    from matplotlib import font_manager

    assert fontcache.install()
    original = _backend_pdf_ps.get_glyphs_subset.__wrapped__
    asked = []  # (cut from a base?, how many glyphs) of each call reaching fontTools

    def counting(fontfile, glyphs):
        asked.append((isinstance(fontfile, fontcache._InMemoryFont), len(glyphs)))
        return original(fontfile, glyphs)

    monkeypatch.setattr(fontcache, "BASE_AFTER", 2)
    wrapper = fontcache._caching(counting, _backend_pdf_ps)
    fontfile = font_manager.FontPath(_font("normal"), 0)
    for text in ("First", "Second"):  # two subsets of the whole font
        with wrapper(fontfile, _glyphs(fontfile, text)):
            pass
    assert [cut for cut, n in asked] == [False, False]
    asked.clear()
    with wrapper(fontfile, _glyphs(fontfile, "Third")):  # the third builds the base
        pass
    assert len(asked) >= 2 and all(not cut and n > 500 for cut, n in asked[:-1])  # its passes
    assert asked[-1] == (True, len(_glyphs(fontfile, "Third")))  # then cut from it
    asked.clear()
    with wrapper(fontfile, _glyphs(fontfile, "Fourth")):  # the base is kept
        pass
    assert asked == [(True, len(_glyphs(fontfile, "Fourth")))]


@pytest.mark.parametrize("stand_in", [lambda fontfile: None, lambda fontfile, glyphs, x: None])
def test_an_unexpected_hook_is_left_alone(monkeypatch, stand_in):
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset", stand_in)
    assert fontcache.install() is False
    assert _backend_pdf_ps.get_glyphs_subset is stand_in


def _font(weight: str) -> str:
    from matplotlib import font_manager

    return font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans",
                                                             weight=weight))


def _glyphs(fontfile: str, text: str) -> set[int]:
    from fontTools.ttLib import TTFont

    with TTFont(fontfile, lazy=True) as font:
        cmap, order = font.getBestCmap(), font.getGlyphOrder()
        index = {name: i for i, name in enumerate(order)}
        return {index[cmap[ord(ch)]] for ch in text}


def subset(fontfile, glyphs) -> tuple[bytes, dict]:
    """matplotlib's own subset (not the cache's): its bytes and glyph map."""
    original = _backend_pdf_ps.get_glyphs_subset
    with getattr(original, "__wrapped__", original)(fontfile, glyphs) as made:
        return _backend_pdf_ps.font_as_file(made.font).getvalue(), dict(made.glyph_index_map)


# Texts a chart shows: ligatures (their glyphs have codes of their own, outside the base's
# first ranges' letters), accented UN names, super- and subscripts, signs and arrows.
CHART_TEXTS = ["Remittances received, 2015–2023", "ﬁ ﬂ ﬃ office flow", "Türkiye Côte d’Ivoire",
               "km² 10³ ×1,000 − → ≥ ±", "US$ € ₽ £ “quoted” … 50%", "Curaçao São Tomé Åland"]


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_a_subset_cut_from_the_base_font_is_the_whole_fonts_subset(weight):
    from matplotlib import font_manager

    fontfile = font_manager.FontPath(_font(weight), 0)
    base = fontcache._Base(subset, fontfile)
    for text in CHART_TEXTS:
        glyphs = _glyphs(fontfile, text)
        assert base.cut(subset, glyphs) == subset(fontfile, glyphs), text
    # A glyph the base lacks (Cyrillic): no cut, the whole font serves.
    assert base.cut(subset, _glyphs(fontfile, "Россия")) is None


def test_a_base_keeps_the_codes_of_the_glyphs_it_holds_only_as_parts(monkeypatch):
    # With ASCII alone asked for, the ligature "ﬁ" enters the base only through the rule
    # f + i -> ﬁ; its own code (U+FB01) must come with it, as in the whole font's subset.
    from matplotlib import font_manager

    monkeypatch.setattr(fontcache, "BASE_RANGES", ((0x20, 0x7F),))
    fontfile = font_manager.FontPath(_font("normal"), 0)
    base = fontcache._Base(subset, fontfile)
    glyphs = _glyphs(fontfile, "ﬁ office")
    assert base.cut(subset, glyphs) == subset(fontfile, glyphs)


def test_prepared_house_fonts_serve_the_first_subset_from_their_base(monkeypatch):
    assert fontcache.install()
    original = _backend_pdf_ps.get_glyphs_subset.__wrapped__
    cut = []

    def counting(fontfile, glyphs):
        cut.append(isinstance(fontfile, fontcache._InMemoryFont))
        return original(fontfile, glyphs)

    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset",
                        fontcache._caching(counting, _backend_pdf_ps))  # fresh: no base yet
    assert fontcache.bases_ready() == 0
    before = plt.rcParams.copy()
    assert plotting.prepare_pdf_fonts() == 2  # regular and bold
    assert fontcache.bases_ready() == 2
    assert plt.rcParams == before  # matplotlib's settings as they were
    cut.clear()
    _pdf("A first chart")  # regular and bold text: both subsets cut from the bases
    assert cut and all(cut)
