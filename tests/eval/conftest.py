import pytest


@pytest.fixture
def presser_pipeline(make_pipeline, presser):
    """The presser on fakes, dense retrieval only: the hand-computed metric values in these
    tests follow the bag-of-words ranking; BM25 fusion is tested in tests/rag."""
    pipeline = make_pipeline(lexical_weight=0.0)
    pipeline.ingest([presser])
    return pipeline
