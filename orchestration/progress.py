"""Step progress for people watching a refresh.

Assets report through `report`, which writes to the Dagster run log (seen in
the UI) and to the `hiring.progress` logger, which the CLI prints.
"""

from __future__ import annotations

import logging

progress_log = logging.getLogger("hiring.progress")

# A step's long part (a large file, at 1M applications about 15 s) says how far it
# has got this often, rather than nothing until it is done.
PROGRESS_SECONDS = 5.0


def report(context, message: str) -> None:
    context.log.info(message)
    progress_log.info(message)
