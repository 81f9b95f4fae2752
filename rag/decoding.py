"""Bytes of a transcript file to text: UTF-8 (with or without BOM), UTF-16 with BOM, legacy code pages.

A file saved on Windows in cp1252 or cp1251 is read with the encoding charset-normalizer
detects; a binary file (NUL bytes outside UTF-16, or nothing decodes it coherently) is
refused, never decoded as Latin-1 into mojibake that would then be indexed and cited.
"""

from __future__ import annotations

import codecs

from rag.errors import TranscriptFormatError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Control characters a text file may hold; any other C0 control in a large share means binary.
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v", "\x1b"}
_MAX_CONTROL_SHARE = 0.01


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
        raise TranscriptFormatError(f"{name}: holds NUL bytes, so it is binary, not a transcript; give a text file")
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise TranscriptFormatError(
            f"{name}: is neither UTF-8 nor a text encoding that could be recognised; save it as UTF-8"
        )
    return _checked(str(best), name)


def _checked(text: str, name: str) -> str:
    controls = sum(1 for c in text if c < " " and c not in _TEXT_CONTROLS)
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise TranscriptFormatError(f"{name}: holds control bytes, so it is binary, not a transcript")
    return text
