import pytest

from rag.decoding import decode_transcript
from rag.errors import TranscriptFormatError

TEXT = "Jürgen Müller: Straße und Brücke, 2% des BIP.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252"],
)
def test_every_encoding_reads_the_same_text(data):
    assert decode_transcript(data, "f") == TEXT


def test_a_cyrillic_code_page_is_detected():
    text = "Генеральный секретарь: расходы на оборону растут каждый год.\n" * 3
    assert decode_transcript(text.encode("cp1251"), "f") == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"abc\x00def", "NUL bytes"),
        (b"\xff\xfeJ\x00a", "byte-order mark"),
        (("x" + "\x01\x02" * 10).encode(), "control bytes"),
    ],
)
def test_binary_is_refused_never_read_as_latin1(data, message):
    with pytest.raises(TranscriptFormatError, match=message):
        decode_transcript(data, "f")
