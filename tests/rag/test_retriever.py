from rag.records import Hit, Passage
from rag.retriever import fuse, fuse_hits


def test_fuse_rewards_agreement_then_rank():
    assert fuse([[1, 2], [2, 3]], [1.0, 1.0], 2) == [2, 1]
    assert fuse([[1, 2], [2, 3]], [1.0, 0.0], 3) == [1, 2, 3]  # weight 0: the second list only adds candidates


def test_hybrid_hit_scores_are_dense_cosines(presser_pipeline, make_pipeline, presser):
    dense = make_pipeline(index_dir=presser_pipeline.index_dir, lexical_weight=0.0)
    cosine = {h.passage.passage_id: h.score for h in dense.search("instructors March", k=20)}
    for hit in presser_pipeline.search("instructors March", k=5):
        assert hit.score == cosine[hit.passage.passage_id]


def test_filters_apply_to_both_rankings(presser_pipeline):
    hits = presser_pipeline.search("training centre", k=10, speaker="Jane Doe")
    assert hits and {h.passage.speaker for h in hits} == {"Jane Doe"}


def _hit(passage_id: str, score: float) -> Hit:
    return Hit(Passage("d", passage_id, "S", 1, 1, passage_id), score)


def test_fuse_hits_ranks_agreement_first_and_keeps_the_higher_score():
    alone = [_hit("a", 0.5), _hit("b", 0.4)]
    in_context = [_hit("b", 0.6), _hit("c", 0.3)]
    fused = fuse_hits([alone, in_context], 3)
    assert [h.passage.passage_id for h in fused] == ["b", "a", "c"]
    assert fused[0].score == 0.6
    assert fuse_hits([alone], 1) == alone[:1]
