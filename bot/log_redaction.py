"""Secrets never reach a log: every record is scrubbed of them on the way out.

Libraries log what they like (python-telegram-bot puts a refused token in its error message,
httpx puts it in request URLs), so the scrubbing sits on the handlers, where every record of
every logger passes, rather than on the loggers we happen to know about.
"""

from __future__ import annotations

import logging

REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str], *, drop: tuple[type[BaseException], ...] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self.drop = drop

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and isinstance(error, self.drop):
            return False  # said better, on one line, by whoever catches it
        message = record.getMessage()
        scrubbed = self._scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        return True


def redact_secrets(
    secrets: list[str], *, drop: tuple[type[BaseException], ...] = ()
) -> RedactSecrets:
    """Scrub these secrets from whatever the root logger's handlers write."""
    scrubber = RedactSecrets(secrets, drop=drop)
    for handler in logging.getLogger().handlers:
        handler.addFilter(scrubber)
    return scrubber
