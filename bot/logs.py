"""What the libraries creditbot uses may write to the logs.

slack_sdk logs every Web API request and answer at DEBUG (the text of private messages,
``users.info`` answers with e-mail addresses), and so does the response_url client Bolt
uses to answer people privately; pydiscourse logs every forum API answer (e-mail
addresses again). With DEBUG logging on (``creditbot serve --log-level debug``) private
data would land in the logs, so those loggers never go below INFO, whatever the root
logger's level. creditbot's own log lines never carry message bodies or addresses.
"""

from __future__ import annotations

import logging

PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt", "pydiscourse")


def quiet_payload_loggers() -> None:
    """Keep the libraries that log request and answer bodies at INFO or above."""
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:  # NOTSET (0) or DEBUG
            logger.setLevel(logging.INFO)


SCHEDULER_LOGGER = "apscheduler"


def quiet_scheduler_logs() -> None:
    """APScheduler says "Running job ..." and "... executed successfully" at INFO on
    every run (the outbox worker runs every few seconds): keep it to warnings and errors
    unless the logs are at DEBUG. A level set on purpose is left alone."""
    logger = logging.getLogger(SCHEDULER_LOGGER)
    if logger.level == logging.NOTSET and logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logger.setLevel(logging.WARNING)
