"""Step progress for people watching a refresh.

Assets report through `report`, which writes to the Dagster run log (seen in
the UI) and to the `hiring.progress` logger, which the CLI prints.
"""

from __future__ import annotations

import logging

progress_log = logging.getLogger("hiring.progress")


def report(context, message: str) -> None:
    context.log.info(message)
    progress_log.info(message)
