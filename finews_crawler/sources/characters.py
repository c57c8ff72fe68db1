"""The characters no text from the source is kept with: NUL and the other C0 controls but tab and line breaks.

PostgreSQL's text type refuses NUL, so one such character in a title or a
body would fail every later run on the same article; XML (a feed, a Jekyll
build) refuses the other controls.  Every text the source sends passes
through `printable` where it is read: feed fields, text-API fields, pages.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def printable(text: str) -> str:
    """`text` without the control characters no store or site format accepts."""
    return _CONTROLS.sub("", text)
