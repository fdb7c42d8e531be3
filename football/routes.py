"""Which routes stop at their last breakpoint instead of running on.

A route carries its own `settle` flag; the engine's JSON format has none, so a route
without one settles when its name says it does (a hitch or a curl does not keep
running back towards the line of scrimmage).
"""

import re

SETTLE_NAME = re.compile(r"\b(hitch|stop|curl|sit|stick|comeback|check)\b", re.IGNORECASE)


def settles_by_name(name) -> bool:
    return bool(SETTLE_NAME.search(str(name or "")))
