"""The figure export formats. A module of its own, free of heavy imports, so that the command
line can check `--formats` without loading matplotlib (`plotting.FORMATS` is this tuple)."""

FORMATS = ("png", "svg", "pdf")
