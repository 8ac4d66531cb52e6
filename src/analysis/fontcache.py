"""The font subsets embedded in PDF exports, each made once per process (issue 22).

Every PDF a chart is saved as embeds the fonts it uses (house style `pdf.fonttype: 42`),
cut down to the glyphs on the chart: matplotlib has fontTools subset the whole DejaVu font for
each font of each PDF, some fifty milliseconds apiece, a quarter of a report's time. The
subset depends only on the font file and the glyphs, so the same request gives the same bytes:
this cache keeps each subset's bytes and gives them back when the same glyphs are asked for
again, as a font read from those bytes (`TTFont` over them saves them back unchanged; the
tests compare whole PDFs made with and without the cache).

The cache lives in matplotlib's module, not in this package: a report worker's kernel drops
the package's modules before each run (`warmkernel`) but keeps matplotlib, so the subsets of
one run serve the next (a chart title's glyphs recur from state to state). Papermill run by
hand, one kernel per notebook, gets the repeats within a notebook only.

It hooks matplotlib's private `_backend_pdf_ps.get_glyphs_subset`; if a matplotlib release
changes it, `install` leaves matplotlib as it is (PDFs are then made as before, only slower).
"""

from __future__ import annotations

import inspect
import io
import os

MAX_ENTRIES = 4000  # about 15 KB each: at most some 60 MB, then the cache starts again
_MARK = "_analysis_subset_cache"  # the attribute marking the wrapper as ours


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


def cache_size() -> int:
    """How many subsets the installed cache holds (0 when none is installed)."""
    from matplotlib.backends import _backend_pdf_ps

    return len(getattr(_backend_pdf_ps.get_glyphs_subset, _MARK, {}))


def _caching(original, module):
    from fontTools.ttLib import TTFont

    cache: dict[tuple, tuple[bytes, dict]] = {}

    def get_glyphs_subset(fontfile, glyphs):
        path = os.fspath(getattr(fontfile, "path", fontfile))
        face = getattr(fontfile, "face_index", 0)
        stat = os.stat(path)
        key = (path, face, stat.st_mtime_ns, stat.st_size, frozenset(glyphs))
        if key not in cache:
            with original(fontfile, glyphs) as made:
                data = module.font_as_file(made.font).getvalue()
                mapping = dict(made.glyph_index_map)
            if len(cache) >= MAX_ENTRIES:
                cache.clear()
            cache[key] = (data, mapping)
        data, mapping = cache[key]
        # As the subsetter loads fonts: no timestamp or bounds recalculated on saving.
        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        return module.SubsetResults(font, dict(mapping))._as_cm()

    setattr(get_glyphs_subset, _MARK, cache)
    get_glyphs_subset.__wrapped__ = original
    get_glyphs_subset.__doc__ = original.__doc__
    return get_glyphs_subset
