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
        TEXT.encode("utf-16-le"),  # Notepad's "Unicode" without its mark, as some tools save it
        TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp1252", "utf16-le", "utf16-be"],
)
def test_every_encoding_reads_the_same_text(data):
    assert decode_transcript(data, "f") == TEXT


# Short interviews as Windows saves them: charset-normalizer alone read the first as cp775
# ("About Ć50,000 ¢ more") and the French one as cp1257 ("Hélčne Lefčvre").
SHORT = [
    (
        "cp1252",
        "Q: What did the café cost?\r\n\r\nA: About €50,000 – more than planned. "
        "We called it “the money pit”.\r\n\r\nQ: Again?\r\n\r\nA: Naïvely, yes. But I’d hire better.\r\n",
    ),
    (
        "cp1252",
        "Entretien avec Hélène Lefèvre\r\n\r\nQ: Où en est la rénovation du café à Paris ?"
        "\r\n\r\nR: Très avancée, ça coûte déjà 50 000 €. Nous étions naïfs.\r\n",
    ),
    (
        "cp1250",
        "Rozhovor s Jiřím Novákem\r\n\r\nOt: Kolik stála rekonstrukce kavárny?\r\n\r\n"
        "Od: Asi 50 000 € – víc, než jsme plánovali. Říkali jsme tomu černá díra.\r\n",
    ),
    (
        "cp1250",
        "Wywiad z Łukaszem Żółtkiem\r\n\r\nP: Ile kosztował remont kawiarni?\r\n\r\n"
        "O: Około 50 000 zł – więcej, niż zakładaliśmy. Źle to policzyliśmy.\r\n",
    ),
]


# cp1250 files whose best guess stands: cp1252 would misread "ů" ("Děkuji") and "ő" ("nőtt").
SHORT += [
    ("cp1250", "Moderátor: Dobrý den, vítejte.\nPetr Novák: Děkuji. Rozpočet na silnice vzrostl o pět procent.\n"),
    ("cp1250", "Moderátor: Jó napot kívánok.\nKovács Péter: Köszönöm. A költségvetés nőtt, ez fontos.\n"),
]


@pytest.mark.parametrize(
    ("encoding", "text"), SHORT, ids=["english", "french", "czech", "polish", "czech-2", "hungarian"]
)
def test_a_short_file_in_a_windows_code_page_reads_as_written(encoding, text):
    assert decode_transcript(text.encode(encoding), "f") == text


def test_a_cyrillic_code_page_is_detected():
    text = "Генеральный секретарь: расходы на оборону растут каждый год.\n" * 3
    assert decode_transcript(text.encode("cp1251"), "f") == text


def test_utf16_without_its_mark_in_any_script_reads_as_written():
    cyrillic = "Иван Петров: Бюджет вырос на 2%.\nАнна: Когда?\n"  # NULs only under spaces, digits, line ends
    # Chinese: "一" (U+4E00) puts its NUL on the other byte, and there are no spaces, only line ends
    chinese = "主持人：欢迎大家。\n王一：我们一共有一百人。\n李二：一起讨论一下。\n主持人：谢谢。\n"
    korean = "가나다: 가격이 가장 중요합니다.\n라마: 가능합니다.\n"  # 가 is U+AC00
    for text in (cyrillic, chinese, korean):
        assert decode_transcript(text.encode("utf-16-le"), "f") == text
        assert decode_transcript(text.encode("utf-16-be"), "f") == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"abc\x00def", "NUL bytes"),
        (b"Jane Doe: hello\x00world\n", "does not read as UTF-16"),  # an even length, one NUL: not UTF-16
        (b"\xff\xfeJ\x00a", "byte-order mark"),
        (("x" + "\x01\x02" * 10).encode(), "control bytes"),
    ],
)
def test_binary_is_refused_never_read_as_latin1(data, message):
    with pytest.raises(TranscriptFormatError, match=message):
        decode_transcript(data, "f")
