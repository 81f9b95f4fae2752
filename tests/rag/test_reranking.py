"""The optional cross-encoder reranker: through the Retriever, the Pipeline and the CLI.

A fake cross-encoder with known scores checks what is scored and how hits are reordered;
a tiny random BERT cross-encoder built here checks the path users take: a model folder
given as --reranker, loaded offline, ordering hits by its own predictions.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import rag.cli
from rag.cli import main
from rag.errors import RagError
from rag.pipeline import Pipeline, open_pipeline
from rag.records import Hit
from rag.reranking import CrossEncoderReranker, RerankerNotAvailableError, order_by_scores
from rag.settings import Settings
from tests.conftest import PRESSER
from tests.tiny_model import build_tiny_cross_encoder

QUERY = "When does the training centre open?"


class FakeCrossEncoder:
    """Scores pairs with a given function of (query, text); records every batch it is asked."""

    def __init__(self, score) -> None:
        self.score, self.calls = score, []

    def predict(self, pairs, **options):
        self.calls.append(list(pairs))
        return np.array([self.score(q, t) for q, t in pairs], dtype=np.float32)


def fake_reranker(score) -> tuple[CrossEncoderReranker, FakeCrossEncoder]:
    reranker = CrossEncoderReranker("fake/cross-encoder")
    fake = FakeCrossEncoder(score)
    reranker.__dict__["_model"] = fake  # what the cached property would have loaded
    return reranker, fake


def with_reranker(pipeline: Pipeline, reranker) -> Pipeline:
    return Pipeline(pipeline.settings, pipeline.embedder, pipeline.answerer, reranker=reranker)


@pytest.fixture
def many_turns_pipeline(make_pipeline, tmp_path: Path) -> Pipeline:
    """An index of 60 one-line turns, enough candidates to see how many are reranked."""
    lines = [f"{'Ana' if i % 2 else 'Ben'}: The bridge number {i} reopens after the repairs." for i in range(60)]
    path = tmp_path / "bridges.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pipeline = make_pipeline()
    pipeline.ingest([path])
    assert pipeline.info()["n_passages"] == 60
    return pipeline


def test_order_by_scores_is_best_first_and_keeps_ties_in_order(presser_pipeline):
    a, b, c = presser_pipeline.search(QUERY, k=3)
    assert order_by_scores([a, b, c], [0.1, 0.9, 0.1]) == [b, a, c]
    with pytest.raises(ValueError, match="2 hits but 1 scores"):
        order_by_scores([a, b], [0.5])


def test_reranker_orders_the_fused_candidates_by_its_scores(presser_pipeline):
    fused = presser_pipeline.search(QUERY, k=20)  # every passage of the presser
    assert len(fused) >= 4
    reranker, fake = fake_reranker(lambda q, text: float(len(text)))  # longest passage first
    hits = with_reranker(presser_pipeline, reranker).search(QUERY, k=3)
    assert fake.calls == [[(QUERY, h.passage.text) for h in fused]]
    expected = sorted(fused, key=lambda h: -len(h.passage.text))[:3]
    assert hits == expected
    assert hits != fused[:3]  # the scores really changed the order


def test_reranked_hits_keep_their_dense_cosines(presser_pipeline, make_pipeline):
    dense = make_pipeline(index_dir=presser_pipeline.index_dir, lexical_weight=0.0)
    cosine = {h.passage.passage_id: h.score for h in dense.search(QUERY, k=20)}
    fused_last = presser_pipeline.search(QUERY, k=20)[-1].passage.text
    reranker, _ = fake_reranker(lambda q, text: 1.0 if text == fused_last else 0.0)
    hits = with_reranker(presser_pipeline, reranker).search(QUERY, k=2)
    assert hits[0].passage.text == fused_last  # fusion's last is the reranker's first
    assert [h.score for h in hits] == [cosine[h.passage.passage_id] for h in hits]


@pytest.mark.parametrize(("k", "n_scored"), [(3, 20), (15, 30)])
def test_reranker_scores_max_20_or_2k_candidates(many_turns_pipeline, k, n_scored):
    reranker, fake = fake_reranker(lambda q, text: 0.0)
    hits = with_reranker(many_turns_pipeline, reranker).search("bridge number 7 repairs", k=k)
    assert len(fake.calls[0]) == n_scored and len(hits) == k
    # equal scores keep fusion's order, so the top k are fusion's top k
    assert hits == many_turns_pipeline.search("bridge number 7 repairs", k=k)


class IdentityReranker:
    def rerank(self, query: str, hits) -> list[Hit]:
        return list(hits)


@pytest.mark.parametrize("lexical_weight", [0.0, 1.0])
def test_without_a_reranker_results_are_fusions_top_k(many_turns_pipeline, make_pipeline, lexical_weight):
    plain = make_pipeline(index_dir=many_turns_pipeline.index_dir, lexical_weight=lexical_weight)
    assert plain.reranker is None
    for k in (1, 5, 12):
        hits = plain.search("bridge number 7", k=k)
        assert len(hits) == k
        assert with_reranker(plain, IdentityReranker()).search("bridge number 7", k=k) == hits


def test_filters_apply_before_reranking(presser_pipeline):
    reranker, fake = fake_reranker(lambda q, text: 0.0)
    hits = with_reranker(presser_pipeline, reranker).search(QUERY, k=5, speaker="Jane Doe")
    assert hits and {h.passage.speaker for h in hits} == {"Jane Doe"}
    assert all(text in PRESSER for _, text in fake.calls[0])


def test_settings_reranker_defaults_to_none_and_reads_rag_reranker():
    assert Settings().reranker is None and Settings.from_env({}).reranker is None
    assert Settings.from_env({"RAG_RERANKER": "/models/ms-marco"}).reranker == "/models/ms-marco"


def test_open_pipeline_builds_the_reranker_lazily_only_when_configured(tmp_path: Path):
    assert open_pipeline(Settings(index_dir=tmp_path)).reranker is None
    pipeline = open_pipeline(Settings(index_dir=tmp_path, reranker="/models/ms-marco", trust_remote_code=True))
    reranker = pipeline.reranker
    assert isinstance(reranker, CrossEncoderReranker)
    assert (reranker.model_id, reranker.trust_remote_code) == ("/models/ms-marco", True)
    assert "_model" not in reranker.__dict__  # nothing loaded yet


COMMAND_ARGS = {
    "search": ["search", "a query"],
    "ask": ["ask", "a question"],
    "serve": ["serve"],
    "eval": ["eval", "questions.jsonl"],
}


@pytest.fixture
def seen_settings(monkeypatch) -> list[Settings]:
    """`main` stops right after building Settings; the list holds what open_pipeline got."""
    seen: list[Settings] = []

    def record(settings: Settings):
        seen.append(settings)
        raise RagError("stopped here by the test")

    monkeypatch.setattr(rag.cli, "open_pipeline", record)
    monkeypatch.delenv("RAG_RERANKER", raising=False)
    return seen


@pytest.mark.parametrize("command", sorted(COMMAND_ARGS))
def test_the_reranker_flag_and_variable_reach_the_pipeline(command, seen_settings, monkeypatch):
    assert main(COMMAND_ARGS[command]) == 1
    assert main([*COMMAND_ARGS[command], "--reranker", "/models/flag"]) == 1
    monkeypatch.setenv("RAG_RERANKER", "/models/env")
    assert main(COMMAND_ARGS[command]) == 1
    assert main([*COMMAND_ARGS[command], "--reranker", "/models/flag"]) == 1  # flags beat the environment
    assert [s.reranker for s in seen_settings] == [None, "/models/flag", "/models/env", "/models/flag"]


@pytest.mark.parametrize("command", [["search", QUERY], ["ask", QUERY], ["serve"]])
def test_a_missing_model_folder_is_one_clear_error(command, cli_index, capsys, tmp_path, monkeypatch):
    import ui.app

    def must_not_serve(demo, settings, auth=None):
        raise AssertionError("serve started with a missing reranker")

    monkeypatch.setattr(ui.app, "serve", must_not_serve)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))  # serve sets it; undone after the test
    missing = tmp_path / "no-such-reranker"
    assert main([*command, "--index", str(cli_index), "--reranker", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {missing}: no such model folder") and err.count("\n") == 1
    assert "--reranker" in err and "README" in err


# -- the tiny random cross-encoder, through the path users take -----------------------


@pytest.fixture(scope="module")
def tiny_reranker(tmp_path_factory) -> Path:
    words = sorted({w.strip(".,?()").lower() for w in PRESSER.split()} - {""})
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("models") / "tiny-cross-encoder", words)


def test_the_tiny_model_loads_offline_and_orders_hits_by_its_own_predictions(
    tiny_reranker, cli_index, capsys, monkeypatch
):
    from sentence_transformers import CrossEncoder

    monkeypatch.setenv("RAG_WITHOUT", "dialogue")  # passages alone: their exchanges would merge some

    argv = ["search", QUERY, "-k", "3", "--json", "--index", str(cli_index)]
    assert main(argv) == 0
    plain = json.loads(capsys.readouterr().out)["passages"]
    assert main([*argv, "-k", "20"]) == 0
    fused = json.loads(capsys.readouterr().out)["passages"]  # every passage: the reranker's candidates
    assert main([*argv, "--reranker", str(tiny_reranker)]) == 0
    reranked = json.loads(capsys.readouterr().out)["passages"]

    predicted = CrossEncoder(str(tiny_reranker), local_files_only=True).predict([(QUERY, p["text"]) for p in fused])
    assert len(set(predicted.tolist())) == len(fused)  # the random model tells every passage apart
    expected = [fused[i] for i in np.argsort(-predicted, kind="stable")[:3]]
    assert reranked == expected  # same passages, same scores (dense cosines), the model's order
    assert reranked != plain


def test_the_tiny_model_scores_match_predict(tiny_reranker):
    texts = ["Allies agreed to aim for three percent of GDP.", "It opens in March.", "Good afternoon."]
    reranker = CrossEncoderReranker(str(tiny_reranker))
    scores = reranker.scores(QUERY, texts)
    assert len(scores) == 3 and scores == reranker.scores(QUERY, texts)  # deterministic
    assert reranker.scores(QUERY, []) == []


def test_a_broken_model_folder_names_the_folder(broken_model_folder):
    broken = broken_model_folder
    with pytest.raises(RerankerNotAvailableError, match=f"{broken}: cannot load a cross-encoder.*whole cross-encoder"):
        CrossEncoderReranker(str(broken)).load()


def test_a_classifier_with_two_labels_is_refused(tmp_path):
    folder = build_tiny_cross_encoder(tmp_path / "two-labels", ["bridge"], num_labels=2)
    with pytest.raises(RerankerNotAvailableError, match="gives 2 scores per pair.*num_labels=1"):
        CrossEncoderReranker(str(folder)).load()


def test_a_hub_id_not_in_the_cache_is_never_downloaded():
    with pytest.raises(RerankerNotAvailableError) as caught:
        CrossEncoderReranker("no-such-org/no-such-reranker").load()
    message = str(caught.value)
    assert message.startswith("no-such-org/no-such-reranker: cannot load a cross-encoder")
    assert "nor in the local Hugging Face cache" in message and "\n" not in message
