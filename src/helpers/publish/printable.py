"""What the PDF can print: the characters no font in its list has, and chart SVGs made print-safe.
"""

from __future__ import annotations

import sys


from helpers.views import fonts

from helpers.publish.briefing_doc import Briefing


def unprintable(briefing: Briefing) -> list[str]:
    """Return the characters of the briefing no font in the PDF's list has, warning about them.

    The PDF prints each as U+FFFD (show rules in the typst templates, fed by the front matter's
    ``unprintable`` field); the HTML page keeps them, as browsers find fonts of their own. Without
    this, typst's PDF/UA-1 check would stop the build on the first such character.

    Args:
        briefing: the notebook's visible content.

    Returns:
        The characters, each once (none in the usual case); a warning line on stderr names them.
    """
    block = briefing.title_block
    texts = [briefing.title, briefing.date or "", *(b for b in briefing.blocks if isinstance(b, str))]
    if block:
        texts += [block.kicker, block.dateline]
    chars = fonts.unprintable("\n".join(texts))
    if chars:
        print(f"render: warning: no font in the PDF's list has {fonts.describe(chars)}; the PDF shows "
              f"{fonts.REPLACEMENT} in its place (install the fonts README lists)", file=sys.stderr)
    return chars


def printable_svgs(svgs: list[str]) -> list[str]:
    """Return the charts' SVGs with the characters their text cannot print replaced, warning about them.

    Args:
        svgs: the charts' SVG documents, for the PDF.

    Returns:
        The SVGs (``fonts.printable_svg``): colour emoji and characters no outline font has print as
        U+FFFD in the PDF's charts; a warning line on stderr names them. The page's charts keep them.
    """
    fixed, replaced = [], {}
    for svg in svgs:
        svg, chars = fonts.printable_svg(svg)
        fixed.append(svg)
        replaced.update(dict.fromkeys(chars))
    if replaced:
        print(f"render: warning: the PDF's charts show {fonts.REPLACEMENT} for {fonts.describe(replaced)} (no outline "
              "font has them; a chart image cannot hold colour emoji); the text and tables print them", file=sys.stderr)
    return fixed
