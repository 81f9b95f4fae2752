from rag.lexical import LexicalIndex

TEXTS = [
    "Mark Rutte: Germany is really taking the lead here.",
    "Mark Rutte: Russia is the long-term threat.",
    "Marketing: the L_C_D_ screen costs twelve euros.",
]


def test_finds_the_passage_sharing_the_words_with_stemming():
    assert [row for row, _ in LexicalIndex(TEXTS).search("Is Germany taking the lead?", 3)] == [0]
    assert [row for row, _ in LexicalIndex(TEXTS).search("threats", 3)] == [1]


def test_allowed_rows_and_queries_without_content_words():
    index = LexicalIndex(TEXTS)
    assert [row for row, _ in index.search("Germany Russia", 3, allowed=[1])] == [1]
    assert index.search("is the of", 3) == []
    assert LexicalIndex([]).search("anything", 3) == []


def test_spelled_acronyms_match_their_written_form():
    assert [row for row, _ in LexicalIndex(TEXTS).search("the LCD screen", 3)] == [2]
