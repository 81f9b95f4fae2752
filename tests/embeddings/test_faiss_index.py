from pathlib import Path

import numpy as np
import pytest

from embeddings.faiss_index import FaissIndex, IndexSpec, choose_spec


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


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_matches_brute_force(vectors, kind: str):
    """HNSW is approximate, but on 200 vectors with ef_search 128 it visits them all."""
    index = FaissIndex(16, spec=IndexSpec(kind))
    index.add(vectors)
    for q in vectors[:10] + 0.1:
        assert [i for i, _ in index.search(q, 5)] == brute_force(vectors, q, 5)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_allowed_rows_restrict_the_search(vectors, kind: str, monkeypatch):
    index = FaissIndex(16, spec=IndexSpec(kind))
    index.add(vectors)
    allowed = list(range(0, 200, 7))
    q = vectors[3]
    expected = brute_force(vectors, q, 4, allowed)
    assert [i for i, _ in index.search(q, 4, allowed=allowed)] == expected  # computed from the stored rows
    monkeypatch.setattr(FaissIndex, "EXACT_FILTER_MAX", 10)  # many allowed rows: FAISS's own filtered search
    assert [i for i, _ in index.search(q, 4, allowed=allowed)] == expected


def test_choose_spec_is_exact_up_to_the_threshold():
    assert choose_spec(100, "auto", exact_max=100).kind == "flat"
    assert choose_spec(101, "auto", exact_max=100).kind == "hnsw"
    assert choose_spec(10**6, "flat", exact_max=100).kind == "flat"
    assert choose_spec(1, "hnsw", exact_max=100).kind == "hnsw"
    with pytest.raises(ValueError, match="auto, flat, hnsw"):
        choose_spec(1, "ivf", exact_max=100)


def test_stored_rows_are_a_read_only_view(vectors):
    index = FaissIndex(16, spec=IndexSpec("hnsw"))
    index.add(vectors)
    np.testing.assert_array_equal(index.rows([5, 2]), vectors[[5, 2]])
    with pytest.raises(ValueError, match="read-only"):
        index.vectors()[0, 0] = 2.0


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


def test_hnsw_parameters_survive_save_and_load(tmp_path: Path, vectors):
    spec = IndexSpec("hnsw", m=8, ef_construction=50, ef_search=40)
    index = FaissIndex(16, spec=spec)
    index.add(vectors)
    index.save(tmp_path / "v.faiss")
    assert FaissIndex.load(tmp_path / "v.faiss").spec == spec  # read from the file alone
    assert IndexSpec.from_dict(spec.as_dict()) == spec
