"""The fonts the briefing prints with, which characters they cover, and how wide text set in them is.

The PDF's font list lives in one place, ``assets/styles.typ`` (``#let briefing-fonts = (...)``), which
both renderers use (the pandoc fallback's template and Quarto's ``include-in-header``). typst takes
each character from the first font in the list that has it. The fonts come from Debian packages the
set-up installs (README, ``.ci/run``): DejaVu Sans (Latin, Greek, Cyrillic), Noto Sans Arabic and Noto
Sans Hebrew (``fonts-noto-core``), Noto Sans CJK SC (``fonts-noto-cjk``, also Japanese kana and Korean
hangul) and Noto Color Emoji (``fonts-noto-color-emoji``, flags too). Nothing is downloaded.

Under PDF/UA-1 typst refuses text no font can display (the whole build failed on a flag emoji when only
DejaVu was installed). So before typst runs, ``unprintable`` finds the characters no listed font has;
the renderers print each as ``REPLACEMENT`` (through a typst show rule, so the HTML page keeps them) and
warn naming them.

``text_width`` measures text set in DejaVu Sans (the charts' and tables' font) from the font's own
advance widths, so chart labels and table columns can be sized to their text instead of cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from helpers import paths

STYLES_TYP: Path = paths.ASSETS_DIR / "styles.typ"
# Printed in place of a character no font has (DejaVu Sans has it).
REPLACEMENT = "\ufffd"
# The font charts and tables are measured in (the first of the list; installed by fonts-dejavu-core).
MEASURE_FONT = "DejaVu Sans"
# Advance width, in em, assumed for a character the measuring font lacks (CJK ideographs are 1 em).
FALLBACK_EM = 1.0
# When DejaVu Sans is not installed at all: an average advance for its Latin letters, in em.
AVERAGE_EM = 0.62
_FONT_LIST = re.compile(r"^#let briefing-fonts\s*=\s*\((?P<names>[^)]*)\)", re.MULTILINE)


def font_list(styles: Path = STYLES_TYP) -> tuple[str, ...]:
    """Return the PDF's font families, in fallback order, as ``styles.typ`` lists them.

    Args:
        styles: the typst styles file.

    Returns:
        Family names, e.g. ``("DejaVu Sans", "Noto Sans Arabic", ...)``.

    Raises:
        ValueError: the file has no ``#let briefing-fonts = (...)`` line.
    """
    match = _FONT_LIST.search(styles.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{styles}: no '#let briefing-fonts = (...)' line")
    return tuple(re.findall(r'"([^"]+)"', match["names"]))


def _ignorable(char: str) -> bool:
    """Return whether a character draws nothing (joiners, variation selectors, bidi and format marks).

    Args:
        char: one character.

    Returns:
        True for Unicode format characters (Cf) and variation selectors; typst shapes them with the
        characters around them, and they need no glyph of their own.
    """
    code = ord(char)
    return unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


@cache
def _font_files() -> dict[str, tuple[str, int]]:
    """Return each installed family's regular face: family -> (file, index in a collection).

    Uses typst's own font search (system fonts, as the renderers' typst sees them).

    Returns:
        {family: (path, index)}; families typst does not find are absent.
    """
    import typst

    best: dict[str, tuple[tuple[bool, int, float], str, int]] = {}
    for info in typst.Fonts(include_embedded_fonts=False).fonts():
        if info.path is None:
            continue
        rank = (info.style != "normal", abs(info.weight - 400), abs(info.stretch - 1.0))
        if info.family not in best or rank < best[info.family][0]:
            best[info.family] = (rank, str(info.path), info.index)
    return {family: (path, index) for family, (_, path, index) in best.items()}


@cache
def _coverage(family: str) -> frozenset[int]:
    """Return the code points a family's regular face maps (empty when the family is not installed).

    Args:
        family: a font family name.

    Returns:
        The code points in its cmap.
    """
    from fontTools.ttLib import TTFont

    found = _font_files().get(family)
    if found is None:
        return frozenset()
    path, index = found
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def missing_fonts(families: Iterable[str] | None = None) -> list[str]:
    """Return the listed families that are not installed.

    Args:
        families: font families (default: ``font_list()``).

    Returns:
        The names typst cannot find, in list order.
    """
    files = _font_files()
    return [family for family in (font_list() if families is None else families) if family not in files]


def unprintable(text: str, families: Iterable[str] | None = None) -> list[str]:
    """Return the characters of ``text`` that no listed font has, each once, in order of appearance.

    Args:
        text: any text (Markdown, typst source, ...).
        families: font families (default: ``font_list()``).

    Returns:
        Characters to print as ``REPLACEMENT``; ASCII and characters that draw nothing are never listed.
    """
    families = tuple(font_list() if families is None else families)
    covered = [_coverage(family) for family in families]
    found: dict[str, None] = {}
    for char in dict.fromkeys(text):
        if ord(char) < 128 or char in found or _ignorable(char):
            continue
        if not any(ord(char) in codes for codes in covered):
            found[char] = None
    return list(found)


ZERO_WIDTH_SPACE = "\u200b"
# Fonts whose glyphs are pictures (colour emoji): typst prints them in text, not inside an SVG image.
COLOUR_FONTS = frozenset({"Noto Color Emoji"})
_SVG_TEXT = re.compile(r"(?<=>)([^<>]+)(?=<)")


def printable_svg(svg: str, families: Iterable[str] | None = None) -> tuple[str, list[str]]:
    """Return a chart's SVG with every character its text cannot print replaced, for the PDF.

    typst draws an SVG image's text with outline fonts only: a colour emoji (a flag) or a joiner inside
    a chart label fails PDF/UA-1 ("could not be displayed with a font"), though the same text prints in
    a table. So in the SVG's text nodes, characters no outline font of the list has become
    ``REPLACEMENT``; joiners and variation selectors are dropped. The HTML page
    draws the chart in the browser and keeps them.

    Args:
        svg: an SVG document (Vega's: text only inside ``<text>``/``<tspan>`` elements).
        families: font families (default: ``font_list()``); colour fonts are left out.

    Returns:
        The SVG, and the characters replaced (each once).
    """
    outline = [family for family in (font_list() if families is None else families) if family not in COLOUR_FONTS]
    covered = [_coverage(family) for family in outline]
    replaced: dict[str, None] = {}

    def fix(text: str) -> str:
        out = []
        for char in text:
            if _ignorable(char):
                # typst's SVG text drops joiners and selectors in shaping and then finds a code point
                # without a glyph ("missing codepoints"); the zero-width space prints
                if char == ZERO_WIDTH_SPACE:
                    out.append(char)
            elif ord(char) < 128 or any(ord(char) in codes for codes in covered):
                out.append(char)
            else:
                replaced[char] = None
                out.append(REPLACEMENT)
        return "".join(out)

    return _SVG_TEXT.sub(lambda match: fix(match[1]), svg), list(replaced)


def describe(chars: Iterable[str]) -> str:
    """Return characters as a reader can name them: ``"𱍐" (U+31350), "" (U+E000)``.

    Args:
        chars: characters.

    Returns:
        Each in quotes with its code point, comma-separated.
    """
    return ", ".join(f'"{char}" (U+{ord(char):04X})' for char in chars)


@cache
def _advances(bold: bool) -> tuple[dict[int, float], float] | None:
    """Return DejaVu Sans's advance widths in em per code point, and its average, or None if missing.

    Args:
        bold: the bold face instead of the regular one.

    Returns:
        ({code point: advance in em}, average advance of a-z in em), or None without the font.
    """
    from fontTools.ttLib import TTFont

    import typst

    faces = [info for info in typst.Fonts(include_embedded_fonts=False).fonts()
             if info.family == MEASURE_FONT and info.path is not None and info.style == "normal" and info.stretch == 1.0]
    weight = 700 if bold else 400
    faces.sort(key=lambda info: abs(info.weight - weight))
    if not faces:
        return None
    with TTFont(str(faces[0].path), fontNumber=faces[0].index, lazy=True) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / per_em for code, glyph in (font.getBestCmap() or {}).items()}
    letters = [widths[code] for code in range(ord("a"), ord("z") + 1) if code in widths]
    return widths, sum(letters) / len(letters)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return how wide ``text`` is set in DejaVu Sans at ``size`` (in the unit of ``size``: px or pt).

    Args:
        text: one line of text.
        size: the font size.
        bold: measure the bold face.

    Returns:
        The sum of the characters' advance widths. Characters DejaVu lacks count ``FALLBACK_EM``;
        without DejaVu installed every character counts ``AVERAGE_EM``.
    """
    found = _advances(bold)
    if found is None:
        return len(text) * AVERAGE_EM * size
    widths, _ = found
    return sum(0.0 if _ignorable(char) else widths.get(ord(char), FALLBACK_EM) for char in text) * size


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Return ``text`` broken at spaces into lines no wider than ``width`` (a longer word keeps its own line).

    Args:
        text: the text; runs of whitespace count as one space.
        width: the widest a line may be, in the unit of ``size``.
        size: the font size.
        bold: measure the bold face.

    Returns:
        The lines, at least one.
    """
    lines: list[str] = []
    for word in str(text).split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines or [""]
