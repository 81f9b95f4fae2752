from rag.lines import is_blank, split_lines


def test_every_line_end_style_counts_once():
    assert split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]


def test_final_line_end_adds_no_line():
    assert split_lines("a\n") == ["a"]
    assert split_lines("a\n\n") == ["a", ""]


def test_unicode_separators_do_not_end_lines():
    # str.splitlines() would break these and shift every later citation
    assert split_lines("a\u2028b\x0cc\x1cd\u0085e\n") == ["a\u2028b\x0cc\x1cd\u0085e"]


def test_empty_text_has_no_lines():
    assert split_lines("") == []


def test_whitespace_only_is_blank():
    assert is_blank(" \t\u00a0")
    assert not is_blank(" x ")
