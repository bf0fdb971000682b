"""What validation reports: one problem per line, naming the file, row, field, value and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Longest line a problem prints; values and expectations are shortened to fit.
MAX_LINE: int = 299
MAX_VALUE: int = 60


def shortened(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters with a marker saying how long it was."""
    if len(text) <= limit:
        return text
    return text[: limit - 20] + f"… ({len(text):,} chars)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data, located precisely enough for a curator to fix it."""

    file: str
    row: int | None
    field: str | None
    value: str
    expected: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        what = f", field {self.field}" if self.field else ""
        line = f"{where}{what}: got {shortened(self.value, MAX_VALUE)!r}; expected {self.expected}"
        return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


class DataValidationError(ValueError):
    """Raised by :func:`check_data` when the curated data has problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the curated data:\n{lines}")


def relative_name(data_dir: Path, resource: dict) -> str:
    return f"{data_dir.name}/{resource['path']}"
