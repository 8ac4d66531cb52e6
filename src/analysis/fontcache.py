"""The font subsets embedded in PDF exports, made fast and made once per process (issue 22).

Every PDF a chart is saved as embeds the fonts it uses (house style `pdf.fonttype: 42`),
cut down to the glyphs on the chart: matplotlib has fontTools subset the whole DejaVu font for
each font of each PDF, some fifty milliseconds apiece, a quarter of a report's time. Most of
that goes into reading and pruning the font's layout tables for the scripts no chart uses
(Arabic, Cyrillic, Greek, ...). Two things here cut it, neither changing a byte of any PDF:

- A base font per font file and process: the font subset once to the glyphs a chart's text
  can use (`BASE_RANGES`, and whatever those glyphs' ligatures and accents bring along).
  A chart's subset is then cut from the base, not from the whole font: fontTools gives the
  same subset from either, as the glyphs, their outlines, metrics, names, character map and
  layout rules for them are the same in both (the tests compare the bytes; the base keeps
  the character codes of every glyph it holds, so that the ligatures keep theirs). A chart
  with a glyph the base lacks is subset from the whole font, as before. Building a base takes
  some 0.3 s, as much as ten to fifteen subsets; a chart's subset from it some 20 ms instead
  of 55. So a process builds a font's base only once it has made `BASE_AFTER` subsets of that
  font: a kernel that runs one notebook never does (it would not earn the cost back). A
  report worker's kernel, which will serve ten, builds the house fonts' bases as it starts
  (`prepare`, called by `plotting.prepare_pdf_fonts`).
- A cache of the subsets made: the same glyphs give the same bytes, so a request seen before
  is answered from the bytes kept (`TTFont` over them saves them back unchanged).

Both live in matplotlib's module, not in this package: a report worker's kernel drops the
package's modules before each run (`warmkernel`) but keeps matplotlib, so the base fonts and
the subsets of one run serve the next. Papermill run by hand, one kernel per notebook, builds
no base and gets the repeats within a notebook only.

It hooks matplotlib's private `_backend_pdf_ps.get_glyphs_subset`; if a matplotlib release
changes it, `install` leaves matplotlib as it is (PDFs are then made as before, only slower).
"""

from __future__ import annotations

import inspect
import io
import logging
import os

log = logging.getLogger(__name__)

# A base costs as much as ten to fifteen subsets of the whole font, and one notebook makes
# fewer than thirty in all: a process builds a font's base only once it has made this many
# subsets of the font, which a kernel running one notebook (plain papermill) does not reach
# and a report worker's kernel, serving ten notebooks in turn, reaches in its third or so.
BASE_AFTER = 40
MAX_ENTRIES = 4000  # about 15 KB each: at most some 60 MB, then the cache starts again
_MARK = "_analysis_subset_cache"  # the attribute marking the wrapper as ours
# The characters a base font keeps (Unicode blocks, end excluded): Basic Latin, Latin-1 and
# Latin Extended-A (the UN names of states and places), general punctuation, super- and
# subscripts, currency signs, arrows, mathematical operators, and the Latin ligatures.
BASE_RANGES = ((0x20, 0x7F), (0xA0, 0x180), (0x2010, 0x2050), (0x2070, 0x20A0),
               (0x20A0, 0x20C1), (0x2190, 0x2200), (0x2200, 0x2300), (0xFB00, 0xFB07))


def install() -> bool:
    """Put the caching wrapper in place (once per process); return whether it is in place."""
    try:
        from matplotlib.backends import _backend_pdf_ps
    except ImportError:
        return False
    original = getattr(_backend_pdf_ps, "get_glyphs_subset", None)
    if original is None:
        return False
    if hasattr(original, _MARK):
        return True
    if (list(inspect.signature(original).parameters) != ["fontfile", "glyphs"]
            or not hasattr(getattr(_backend_pdf_ps, "SubsetResults", None), "_as_cm")
            or not hasattr(_backend_pdf_ps, "font_as_file")):
        return False  # not the function this wrapper was written for
    _backend_pdf_ps.get_glyphs_subset = _caching(original, _backend_pdf_ps)
    return True


def prepare(fontfiles) -> int:
    """Build each font's base now, whatever `BASE_AFTER` says: for a process that will save
    many charts (a report worker's kernel, see `warmkernel`). Returns how many are ready."""
    from matplotlib.backends import _backend_pdf_ps

    build = getattr(_backend_pdf_ps.get_glyphs_subset, "prepare", None)
    if build is None:  # the cache is not installed
        return 0
    return sum(build(fontfile) is not None for fontfile in fontfiles)


def bases_ready() -> int:
    """How many base fonts the installed cache has built (0 when none is installed)."""
    from matplotlib.backends import _backend_pdf_ps

    bases = getattr(_backend_pdf_ps.get_glyphs_subset, "bases", {})
    return sum(found is not None for found in bases.values())


def cache_size() -> int:
    """How many subsets the installed cache holds (0 when none is installed)."""
    from matplotlib.backends import _backend_pdf_ps

    return len(getattr(_backend_pdf_ps.get_glyphs_subset, _MARK, {}))


class _InMemoryFont(io.BytesIO):
    """A font file held in memory, as matplotlib's subsetter takes a font file: with a face."""

    face_index = 0


class _Base:
    """A font cut down to the glyphs of `BASE_RANGES` and what they bring along (see the
    module's doc): its bytes, and each kept glyph's index in the whole font -> in the base."""

    def __init__(self, subset, fontfile):
        from fontTools.ttLib import TTFont

        path = os.fspath(getattr(fontfile, "path", fontfile))
        with TTFont(path, fontNumber=getattr(fontfile, "face_index", 0), lazy=True) as whole:
            index = {name: i for i, name in enumerate(whole.getGlyphOrder())}
            cmap = whole.getBestCmap() or {}
        wanted = {index[cmap[code]] for start, end in BASE_RANGES
                  for code in range(start, end) if code in cmap}
        # Ask again for every glyph the subset kept until it keeps no more: a glyph kept only
        # as part of another (a ligature's, an accented letter's) keeps its own codes too.
        while True:
            self.data, self.index = subset(fontfile, wanted)
            if set(self.index) == wanted:
                break
            wanted = set(self.index)

    def cut(self, subset, glyphs) -> tuple[bytes, dict] | None:
        """The subset of `glyphs` (the whole font's indices) cut from the base, with its
        glyph map in the whole font's indices; None if the base lacks one of the glyphs."""
        if not all(g in self.index for g in glyphs):
            return None
        data, mapped = subset(_InMemoryFont(self.data), {self.index[g] for g in glyphs})
        return data, {g: mapped[b] for g, b in self.index.items() if b in mapped}


def _caching(original, module):
    from fontTools.ttLib import TTFont

    cache: dict[tuple, tuple[bytes, dict]] = {}
    bases: dict[tuple, _Base | None] = {}
    whole_subsets: dict[tuple, int] = {}  # subsets made from the whole font, by font

    def subset(fontfile, glyphs) -> tuple[bytes, dict]:
        """matplotlib's own subset, as bytes and {index in fontfile: index in the subset}."""
        with original(fontfile, glyphs) as made:
            return module.font_as_file(made.font).getvalue(), dict(made.glyph_index_map)

    def font_of(fontfile) -> tuple:
        path = os.fspath(getattr(fontfile, "path", fontfile))
        stat = os.stat(path)
        return path, getattr(fontfile, "face_index", 0), stat.st_mtime_ns, stat.st_size

    def base(font: tuple, fontfile, now: bool = False) -> _Base | None:
        """The font's base, once this process has made BASE_AFTER subsets of the font (or
        `now`)."""
        if font not in bases:
            whole_subsets[font] = whole_subsets.get(font, 0) + 1
            if whole_subsets[font] <= BASE_AFTER and not now:
                return None
            try:
                bases[font] = _Base(subset, fontfile)
            except Exception as exc:  # noqa: BLE001 - the whole font still serves
                log.info("fontcache: no base font for %s (%s): subsetting the whole font",
                         font[0], exc)
                bases[font] = None
        return bases[font]

    def get_glyphs_subset(fontfile, glyphs):
        font = font_of(fontfile)
        key = (*font, frozenset(glyphs))
        if key not in cache:
            found = base(font, fontfile)
            made = found.cut(subset, glyphs) if found is not None else None
            if len(cache) >= MAX_ENTRIES:
                cache.clear()
            cache[key] = made or subset(fontfile, glyphs)
        data, mapping = cache[key]
        # As the subsetter loads fonts: no timestamp or bounds recalculated on saving.
        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        return module.SubsetResults(font, dict(mapping))._as_cm()

    setattr(get_glyphs_subset, _MARK, cache)
    get_glyphs_subset.bases = bases
    get_glyphs_subset.prepare = lambda fontfile: base(font_of(fontfile), fontfile, now=True)
    get_glyphs_subset.__wrapped__ = original
    get_glyphs_subset.__doc__ = original.__doc__
    return get_glyphs_subset
