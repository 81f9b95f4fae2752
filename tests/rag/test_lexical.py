import pytest

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


def test_scores_are_those_of_bm25s_itself():
    """The fast scoring here must rank exactly as bm25s's own retrieve does."""
    texts = [f"{w} budget {i}" for i, w in enumerate(["defence", "spending", "defence spending", "other"] * 5)]
    index = LexicalIndex(texts)
    query = "defence spending budget"
    tokens = index._tokenize([query])
    rows, scores = index._bm25.retrieve(tokens, k=len(texts), show_progress=False)
    expected = sorted(
        ((int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0), key=lambda x: (-x[1], x[0])
    )
    found = index.search(query, len(texts))
    assert [r for r, _ in found] == [r for r, _ in expected]
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], rel=1e-5)


def test_saved_index_loads_and_searches_the_same(tmp_path):
    index = LexicalIndex(TEXTS)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert len(loaded) == 3
    assert loaded.search("Is Germany taking the lead?", 3) == index.search("Is Germany taking the lead?", 3)
    LexicalIndex([]).save(tmp_path / "empty")
    assert LexicalIndex.load(tmp_path / "empty").search("anything", 3) == []
