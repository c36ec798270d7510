"""Messages as values (a key and its parameters), and the error raised for input a user typed.

The domain never formats text for people: the CLI turns a Message into English or Chinese through
the translation layer (offline_tracker/i18n.py, keys in offline_tracker/locales/*.json).
"""

from __future__ import annotations

from typing import Any

from offline_tracker.domain.values import field, value


@value
class Message:
    key: str
    params: dict[str, Any] = field(default_factory=dict)


def os_reason(exc: OSError) -> Message:
    """Why the system refused, as a message: its errno's name (ENOENT) picks the words in the
    reader's language; the system's own text is what is shown when there are none."""
    import errno

    code = errno.errorcode.get(exc.errno or 0, "")
    return Message("os.reason", {"code": code, "text": exc.strerror or str(exc)})


class InputError(ValueError):
    """Something a user typed cannot be understood; the message says what is accepted."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.message = Message(key, params)

    def __str__(self) -> str:
        return f"{self.message.key} {self.message.params}"


class Failure(Exception):
    """An operation that could not be done (exit code 1); the text says why and the way out."""


class Refusal(Failure):
    """A failed operation whose text is a message key (the CLI translates it); exit code 1."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.message = Message(key, params)
