"""Errors a user of the graph layer can meet, each with what a person needs to fix it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.report import ValidationReport


class EvidenceGraphError(Exception):
    """Base class of every error the graph layer raises on purpose."""


class SourceError(EvidenceGraphError):
    """A source file cannot be read: missing, unreadable, unknown format or bad syntax.

    ``str()`` gives ``file:line:column: message`` where the position is known.
    """

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        location = path if line is None else f"{path}:{line}:{column or 1}"
        super().__init__(f"{location}: {message}")


class ValidationFailedError(EvidenceGraphError):
    """The candidate state has SHACL Violations; nothing was written."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(
            f"{report.violation_count} SHACL violation(s); nothing was written.\n{report.to_text()}"
        )


class SourceExistsError(EvidenceGraphError):
    """A source's named graph is already in the store and ``replace`` was not asked for."""


class AmbiguousKeyError(EvidenceGraphError):
    """A key (a name or an identifier) names more than one node where one was asked for."""

    def __init__(self, key: str, iris: list[str]) -> None:
        super().__init__(f"{key!r} names {len(iris)} nodes: {', '.join(iris)}; give one of their IRIs or IDs")
        self.key = key
        self.iris = iris
