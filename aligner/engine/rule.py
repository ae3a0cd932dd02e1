"""The base class of every rule, built-in or plugin.

A rule is a small class with a stable `code`, a kebab-case `name`, a default `severity`, an
`Options` model (unknown options are errors) and `check`. Its docstring is its documentation,
in a fixed shape (see `DOC_SECTIONS`); `aligner rule CODE` prints it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict

from aligner.engine.findings import Violation

if TYPE_CHECKING:
    from aligner.engine.trace import RunView, Trace

DOC_SECTIONS = ("Why it matters", "Fails", "Passes", "How to fix", "Options")


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule:
    """Base class. Subclasses set the class attributes and override `check` or `check_run`."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = "error"
    scope: ClassVar[str] = "item"  # "item": check(trace); "run": check_run(view), once per run
    Options: ClassVar[type[BaseModel]] = NoOptions

    def __init__(self, options: BaseModel | None = None) -> None:
        self.options = options if options is not None else self.Options()

    def check(self, trace: Trace) -> Iterable[Violation]:
        """Yield violations for one evaluated item, given its resolved trace."""
        return ()

    def check_run(self, view: RunView) -> Iterable[Violation]:
        """Yield run-level violations (team metrics), after every item was traced."""
        return ()

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    @classmethod
    def why(cls) -> str:
        """The first sentence of "Why it matters": the one line a ticket comment carries."""
        doc = cls.documentation()
        _, found, rest = doc.partition("Why it matters:")
        text = " ".join(rest.strip().split("\n\n")[0].split()) if found else cls.summary()
        return text.split(". ")[0].rstrip(".") + "."

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")
