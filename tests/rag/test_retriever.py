from rag.retriever import fuse_scores


def test_fuse_scores_keeps_how_far_ahead_a_row_is():
    dense = [(1, 0.9), (2, 0.2), (3, 0.1)]  # row 1 far ahead
    lexical = [(2, 5.0), (3, 4.9), (1, 4.8), (5, 1.0)]  # row 1 close behind
    assert fuse_scores([dense, lexical], [1.0, 1.0], 3) == [1, 2, 3]
    assert fuse_scores([dense, lexical], [0.0, 1.0], 4) == [2, 3, 1, 5]  # dense weight 0: BM25's order


def test_fuse_scores_edge_cases():
    assert fuse_scores([[(4, 0.5)], []], [1.0, 1.0], 5) == [4]  # an empty list adds nothing
    assert fuse_scores([[(4, 0.5), (2, 0.5)], [(2, 3.0)]], [1.0, 1.0], 5) == [2, 4]  # equal scores scale to 1
    assert fuse_scores([[(1, 0.9), (2, 0.7), (4, 0.5)], [(2, 7.0), (3, 1.0)]], [1.0, 1.0], 2) == [2, 1]


def test_hybrid_hit_scores_are_dense_cosines(presser_pipeline, make_pipeline, presser):
    dense = make_pipeline(index_dir=presser_pipeline.index_dir, lexical_weight=0.0)
    cosine = {h.passage.passage_id: h.score for h in dense.search("instructors March", k=20)}
    for hit in presser_pipeline.search("instructors March", k=5):
        assert hit.score == cosine[hit.passage.passage_id]


def test_filters_apply_to_both_rankings(presser_pipeline):
    hits = presser_pipeline.search("training centre", k=10, speaker="Jane Doe")
    assert hits and {h.passage.speaker for h in hits} == {"Jane Doe"}
