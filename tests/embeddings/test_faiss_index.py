from pathlib import Path

import numpy as np
import pytest

from embeddings.faiss_index import FaissIndex


@pytest.fixture
def vectors() -> np.ndarray:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((200, 16)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(xb: np.ndarray, q: np.ndarray, k: int, allowed=None) -> list[int]:
    scores = xb @ q.ravel()
    order = [int(i) for i in np.argsort(-scores)]
    if allowed is not None:
        order = [i for i in order if i in set(allowed)]
    return order[:k]


def test_matches_brute_force(vectors):
    index = FaissIndex(16)
    index.add(vectors)
    for q in vectors[:10] + 0.1:
        assert [i for i, _ in index.search(q, 5)] == brute_force(vectors, q, 5)


def test_allowed_rows_restrict_the_search(vectors):
    index = FaissIndex(16)
    index.add(vectors)
    allowed = list(range(0, 200, 7))
    q = vectors[3]
    assert [i for i, _ in index.search(q, 4, allowed=allowed)] == brute_force(vectors, q, 4, allowed)


def test_k_is_clamped_and_empty_index_returns_nothing(vectors):
    index = FaissIndex(16)
    assert index.search(vectors[0], 5) == []
    index.add(vectors[:3])
    assert len(index.search(vectors[0], 50)) == 3
    assert index.search(vectors[0], 5, allowed=[]) == []


def test_save_load_round_trip(tmp_path: Path, vectors):
    index = FaissIndex(16)
    index.add(vectors)
    index.save(tmp_path / "v.faiss")
    loaded = FaissIndex.load(tmp_path / "v.faiss")
    assert len(loaded) == 200
    np.testing.assert_array_equal(loaded.vectors(), vectors)
    assert loaded.search(vectors[5], 3) == index.search(vectors[5], 3)
