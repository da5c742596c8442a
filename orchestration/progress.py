"""Step progress for people watching a refresh.

Assets report through `report`, which writes to the Dagster run log (seen in
the UI) and to the `hiring.progress` logger, which the CLI prints.
"""

from __future__ import annotations

import logging
import time

progress_log = logging.getLogger("hiring.progress")

# A step's long part (a large file, at 1M applications about 15 s) says how far it
# has got this often, rather than nothing until it is done.
PROGRESS_SECONDS = 5.0


class Pace:
    """When a long part should say how far it has got: `every` seconds (normally
    PROGRESS_SECONDS) after it began, then as often. A short part says nothing until
    it is done."""

    def __init__(self, every: float) -> None:
        self._every = every
        self._started = self._said = time.monotonic()

    def due(self) -> float | None:
        """Seconds since the part began when it is time to say so, else None."""
        now = time.monotonic()
        if now - self._said < self._every:
            return None
        self._said = now
        return now - self._started


def report(context, message: str) -> None:
    context.log.info(message)
    progress_log.info(message)
