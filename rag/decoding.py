"""Bytes of a transcript file to text: UTF-8 and UTF-16 (with or without BOM), legacy code pages.

A file saved on Windows in cp1252 or cp1251 is read with the encoding charset-normalizer
detects; a binary file (NUL bytes outside UTF-16, or nothing decodes it coherently) is
refused, never decoded as Latin-1 into mojibake that would then be indexed and cited.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from rag.errors import TranscriptFormatError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Control characters a text file may hold; any other C0 control in a large share means binary.
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v", "\x1b"}
_MAX_CONTROL_SHARE = 0.01
# UTF-16 without a byte-order mark: read, it has spaces or line ends (1% of its signs at least).
_UTF16_MIN_SPACES = 0.01


def decode_transcript(data: bytes, name: str) -> str:
    """The text of a transcript file's bytes; `name` is used in error messages.

    Raises:
        TranscriptFormatError: binary content, or no encoding reads it as text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), name)
            except UnicodeDecodeError as exc:
                raise TranscriptFormatError(
                    f"{name}: starts with a {encoding} byte-order mark but byte {exc.start} is not {encoding}; "
                    "save it again as UTF-8"
                ) from None
    if b"\x00" in data:
        text = _bomless_utf16(data)
        if text is None:
            raise TranscriptFormatError(
                f"{name}: holds NUL bytes and does not read as UTF-16 either, so it is binary, not a transcript; "
                "give a text file"
            )
        return _checked(text, name)
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = _likeliest(from_bytes(data))
    if best is None:
        raise TranscriptFormatError(
            f"{name}: is neither UTF-8 nor a text encoding that could be recognised; save it as UTF-8"
        )
    return _checked(str(best), name)


# charset-normalizer's best guess for a short file is sometimes a code page nobody saves
# in: a 233-byte cp1252 interview ("About €50,000 – more", "café", "Naïvely") came out as
# cp775 ("About Ć50,000 ¢ more"), a French one as cp1257 ("Hélčne"). Where its best is such
# a page (DOS, Mac, Baltic) and cp1252, the Western Windows page, reads the bytes nearly
# as cleanly (chaos within CLEAN_MARGIN), cp1252 is taken; any other best guess stands
# (a Czech or Hungarian cp1250 file, whose "ů" or "ő" cp1252 would misread, stays cp1250).
# Twenty-one short interviews in eleven encodings: its best 14 right, this 17 (the other
# four, Turkish cp1254, Lithuanian cp1257, Hebrew cp1255, French mac_roman, wrong either way).
CLEAN_MARGIN = 0.05
_RARELY_SAVED = re.compile(r"^(?:cp437|cp7\d\d|cp8\d\d|mac_\w+|cp1257|iso8859_(?:4|10|13))$")


def _likeliest(results: Any) -> Any:
    """The likeliest of charset-normalizer's matches (CharsetMatches), or None."""
    best = results.best()
    if best is None or not _RARELY_SAVED.match(best.encoding):
        return best
    western = [m for m in results if "cp1252" in m.could_be_from_charset and m.chaos <= best.chaos + CLEAN_MARGIN]
    return western[0] if western else best


def _bomless_utf16(data: bytes) -> str | None:
    """The text of UTF-16 saved without a byte-order mark, else None.

    Read in the byte order that gives spaces and line ends: in the other, " " and "\\n"
    come out as U+2000 and U+0A00, which are neither. Where NULs fall no longer decides:
    Chinese has few ASCII bytes, and "一" (U+4E00) puts its NUL on the other byte. A
    binary file seldom decodes without a lone surrogate, and then holds about one space in
    16,000 signs; "hello\\x00world" read as UTF-16 is a few CJK signs with no space.
    """
    if len(data) % 2:
        return None
    readings = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((sum(1 for c in text if c in " \t\r\n"), text))
    if not readings:
        return None
    spaces, text = max(readings, key=lambda r: r[0])
    return text if spaces >= 2 and spaces >= _UTF16_MIN_SPACES * len(text) else None


def _checked(text: str, name: str) -> str:
    controls = sum(1 for c in text if c < " " and c not in _TEXT_CONTROLS)
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise TranscriptFormatError(f"{name}: holds control bytes, so it is binary, not a transcript")
    return text
