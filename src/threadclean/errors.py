"""The exceptions threadclean raises.

::

    ThreadcleanError              anything threadclean raises on purpose
    ├── ConfigError               an option out of range or unknown (also a ValueError)
    ├── ArgumentError             an argument of a type the call does not take (also a TypeError)
    ├── MissingDependency         an optional package this input or output needs (also an ImportError)
    ├── BatchStateError           an output folder that holds another batch, or is in use
    └── InputError                input that cannot be read as a thread
        ├── DecodeError           bytes that are not text in a supported encoding
        └── FormatError           text that is not the thread format it claims to be

Every InputError carries ``source`` (a file name or ``"<stdin>"``) and ``where`` (the place in
it: ``"line 3, column 7"``, ``"byte 120"``, ``"post 4"``), and ``str()`` of it is one line.
"""

from __future__ import annotations


class ThreadcleanError(Exception):
    """Base class of every error threadclean raises on purpose."""


class ConfigError(ThreadcleanError, ValueError):
    """A configuration option has a value outside its documented range."""


class ArgumentError(ThreadcleanError, TypeError):
    """An argument of a type the call does not take (``clean_text(None)``, ``config="fast"``)."""


class MissingDependency(ThreadcleanError, ImportError):
    """An optional package is needed for this input or output and is not installed."""

    def __init__(self, module: str, extra: str, needed_for: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{needed_for} needs {module}: pip install 'threadclean[{extra}]' (in a clone: pip install -e '.[{extra}]')"
        )


class BatchStateError(ThreadcleanError):
    """A batch's output folder cannot be used: it holds another batch, or another run has it."""


class InputError(ThreadcleanError):
    """The input cannot be read as a thread."""

    def __init__(self, reason: str, *, source: str | None = None, where: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.where = where
        super().__init__(self._line())

    def _line(self) -> str:
        place = ", ".join(p for p in (self.source, self.where) if p)
        return f"{place}: {self.reason}" if place else self.reason

    def located(self, source: str) -> InputError:
        """The same error, naming ``source`` as the file it came from."""
        return type(self)(self.reason, source=source, where=self.where)


class DecodeError(InputError):
    """The bytes are not text in a supported encoding."""


class FormatError(InputError):
    """The text is not valid in the format it was read as (JSON, JSON Lines)."""
