"""What a build checks before it runs a notebook: the data (the validator, one line per problem) and the quotes
(against the report texts, or the quote-verification record where they are absent).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from helpers.publish.errors import BuildError

from helpers.publish.config import BuildConfig


def check_data(config: BuildConfig) -> None:
    """Stop before anything else when the validator finds problems (each printed once, on its own line)."""
    if config.validator is None:
        return
    try:
        problems = list(config.validator(config.data_dir))
    except Exception as exc:
        raise BuildError(f"checking the data in {config.data_dir} failed: {type(exc).__name__}: {exc}") from exc
    if problems:
        for problem in problems:
            print(str(problem), file=sys.stderr, flush=True)
        raise BuildError(f"the data in {config.data_dir} has {len(problems)} problem(s); see above")


@dataclass(frozen=True)
class QuoteCheck:
    """How this build's quotes were checked: "reports" (against the texts), "record" (against the
    quote-verification record, verified against the reports on `verified_on`) or "none"."""

    how: str
    verified_on: str = ""

    def info(self) -> dict[str, Any]:
        return {"quotes_checked": self.how != "none", "quotes": {"how": self.how, "verified_on": self.verified_on}}


def check_quotes(config: BuildConfig) -> QuoteCheck:
    """Check the quotes the way this machine can, and say so in one line.

    With the report texts, the validator has checked every quote; a stale record gets a note (builds
    without the texts would fail). Without them, every quote must match the quote-verification record.

    Raises:
        BuildError: a quote added or edited since the record was written (one line saying what to run).
    """
    from helpers.data.quote_record import check_record, record_path, unverified_line
    from helpers.data.datapackage import CLAIM_TABLES

    try:
        check = check_record(config.data_dir, CLAIM_TABLES)
    except ValueError as exc:
        if config.sources_dir.is_dir():
            print(f"note: {exc}", flush=True)
            return QuoteCheck("reports")
        raise BuildError(str(exc)) from None
    if config.sources_dir.is_dir():
        if check is not None and not check.ok:
            print(f"note: {record_path(config.data_dir)} is out of date ({len(check.unverified)} quote(s) added or edited since "
                  f"{check.verified_on}); run `python3 dev.py validate` and commit it, or builds without the report texts will stop",
                  flush=True)
        return QuoteCheck("reports")
    if check is None:
        print(f"quotes not checked: no source texts in {config.sources_dir} and no {record_path(config.data_dir).name} "
              "(the manifest records quotes_checked: false)", flush=True)
        return QuoteCheck("none")
    if check.unverified:
        raise BuildError(unverified_line(check, config.data_dir))
    print(f"quotes verified against the reports on {check.verified_on} ({record_path(config.data_dir).name}: "
          f"{check.checked} quotes unchanged since; the report texts are not in {config.sources_dir})", flush=True)
    return QuoteCheck("record", check.verified_on)
