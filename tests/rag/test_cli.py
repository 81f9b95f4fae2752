import json
from pathlib import Path

import pytest

import rag.cli
from embeddings.sentence_transformer import ModelNotAvailableError
from rag.cli import main
from rag.pipeline import Pipeline
from rag.store import IndexReader


@pytest.fixture
def cli(monkeypatch, make_pipeline, tmp_path: Path):
    """`main` wired to a pipeline on fakes; returns the index directory it uses."""

    def open_fake(settings):
        return make_pipeline(
            index_dir=settings.index_dir,
            k=settings.k,
            host=settings.host,
            port=settings.port,
            vector_index=settings.vector_index,
            without=settings.without,
        )

    monkeypatch.setattr(rag.cli, "open_pipeline", open_fake)
    monkeypatch.delenv("RAG_INDEX", raising=False)
    return tmp_path / "cli-index"


def test_ingest_then_ask_json(cli, presser: Path, capsys):
    assert main(["ingest", str(presser), "--index", str(cli)]) == 0
    assert "1 added" in capsys.readouterr().err
    assert main(["ask", "What target did Allies agree to aim for?", "--json", "--index", str(cli)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"question", "answer", "abstained", "citations", "passages", "timings_ms"}
    assert out["citations"][0] == {
        "doc": "presser-2025-01-01",
        "line_start": 17,
        "line_end": 17,
        "speaker": "Jane Doe",
        "quote": "Allies agreed to aim for three percent of GDP.",
    }
    assert set(out["passages"][0]) == {"doc", "line_start", "line_end", "speaker", "score", "text"}


def test_search_json_and_text(cli, presser: Path, capsys):
    main(["ingest", str(presser), "--index", str(cli)])
    capsys.readouterr()
    assert main(["search", "training centre", "-k", "2", "--json", "--index", str(cli)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "training centre" and len(out["passages"]) == 2
    assert main(["search", "training centre", "--speaker", "Maria", "--index", str(cli)]) == 0
    assert "Maria Lopez (Radio Sur)" in capsys.readouterr().out


def test_ask_batch_answers_every_question_in_order(cli, presser: Path, tmp_path: Path, capsys):
    main(["ingest", str(presser), "--index", str(cli)])
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "question": "What target did Allies agree?", "doc": "presser-2025-01-01", "gold_lines": [[17, 17]]},
        {"id": "b", "question": "What about Iran?", "gold_lines": [], "answerable": False},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    capsys.readouterr()
    assert main(["ask", "--batch", str(questions), "--json", "--index", str(cli)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[1]["abstained"] is True and lines[1]["citations"] == []


def test_errors_are_one_line_on_stderr_with_exit_1(cli, tmp_path: Path, capsys):
    assert main(["ask", "anything", "--index", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no index at") and err.count("\n") == 1
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    assert main(["ingest", str(bad), "--index", str(cli)]) == 1
    assert "binary" in capsys.readouterr().err


def test_info_prints_the_manifest(cli, presser: Path, capsys):
    main(["ingest", str(presser), "--index", str(cli)])
    capsys.readouterr()
    assert main(["info", "--index", str(cli)]) == 0
    out = capsys.readouterr().out
    info = json.loads(out)
    assert info["n_passages"] == 6 and "presser-2025-01-01" in info["documents"]
    assert '\n  "n_passages": 6,\n' in out  # indented for a person to read
    # who speaks, as `--speaker` and questions name them
    assert info["documents"]["presser-2025-01-01"]["speakers"] == [
        "Ali Kaya (Daily News)",
        "Jane Doe",
        "Maria Lopez (Radio Sur)",
    ]


def test_ingest_chooses_the_vector_index(cli, presser: Path, capsys):
    assert main(["ingest", str(presser), "--index", str(cli), "--vector-index", "hnsw"]) == 0
    main(["info", "--index", str(cli)])
    assert json.loads(capsys.readouterr().out)["vector_index"]["kind"] == "hnsw"
    with pytest.raises(SystemExit):
        main(["ingest", str(presser), "--index", str(cli), "--vector-index", "ivf"])
    assert "argument --vector-index: invalid choice: 'ivf'" in capsys.readouterr().err


def test_ingest_without_windows_embeds_none(cli, presser: Path):
    assert main(["ingest", str(presser), "--index", str(cli), "--without", "windows"]) == 0
    assert len(IndexReader.open(cli, "fake-bag-of-words").windows) == 0
    assert main(["ingest", str(presser), "--index", str(cli), "--rebuild"]) == 0  # how to have them later
    assert len(IndexReader.open(cli, "fake-bag-of-words").windows) == 1


def test_serve_refuses_an_open_host_without_auth(cli, presser: Path, capsys):
    main(["ingest", str(presser), "--index", str(cli)])
    assert main(["serve", "--host", "0.0.0.0", "--index", str(cli)]) == 1
    assert "--auth" in capsys.readouterr().err


@pytest.fixture
def seen_settings(monkeypatch, make_pipeline):
    """`main` on fakes, recording the Settings each command was opened with."""
    seen = []

    def open_fake(settings):
        seen.append(settings)
        return make_pipeline(index_dir=settings.index_dir)

    monkeypatch.setattr(rag.cli, "open_pipeline", open_fake)
    monkeypatch.delenv("RAG_ENCODER", raising=False)
    return seen


@pytest.mark.parametrize("command", [["ingest", "x"], ["search", "x"], ["ask", "x"], ["serve"], ["eval", "x"]])
def test_commands_that_embed_take_encoder(command):
    assert rag.cli.build_parser().parse_args([*command, "--encoder", "bf16"]).encoder == "bf16"


def test_encoder_flag_beats_rag_encoder_which_beats_the_default(seen_settings, presser, tmp_path, monkeypatch):
    index = str(tmp_path / "index")
    assert main(["ingest", str(presser), "--index", index, "--encoder", "bf16"]) == 0
    monkeypatch.setenv("RAG_ENCODER", "bf16")
    assert main(["search", "budget", "--index", index]) == 0
    assert main(["ask", "What target?", "--index", index, "--encoder", "fp32"]) == 0
    assert [s.encoder for s in seen_settings] == ["bf16", "bf16", "fp32"]


def test_unknown_encoder_is_refused_naming_the_choices(seen_settings, tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit):
        main(["ask", "q", "--encoder", "fp16"])
    assert "--encoder: invalid choice: 'fp16' (choose from 'fp32', 'bf16', 'auto')" in capsys.readouterr().err
    monkeypatch.setenv("RAG_ENCODER", "fp16")
    assert main(["ask", "q", "--index", str(tmp_path / "index")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: RAG_ENCODER: encoder must be one of 'fp32', 'bf16', 'auto'") and err.count("\n") == 1
    assert seen_settings == []


def test_serve_reports_a_model_that_cannot_load(capsys, make_pipeline):
    class Broken:
        def embed_query(self, text):
            raise ModelNotAvailableError("could not load the embedding model 'nowhere'")

    pipeline = make_pipeline()
    rag.cli.warm_up(Pipeline(pipeline.settings, Broken(), pipeline.answerer))
    err = capsys.readouterr().err
    assert "error: could not load the embedding model 'nowhere'" in err and "every question will fail" in err


def test_without_switches_steps_off_for_the_commands_that_answer(seen_settings, presser, tmp_path, monkeypatch, capsys):
    index = str(tmp_path / "index")
    assert main(["ingest", str(presser), "--index", index]) == 0
    monkeypatch.setenv("RAG_WITHOUT", "hybrid")
    assert main(["search", "budget", "--index", index]) == 0
    assert main(["ask", "What target?", "--index", index, "--without", "dialogue,speakers"]) == 0
    assert [s.without for s in seen_settings] == [frozenset(), {"hybrid"}, {"dialogue", "speakers"}]
    with pytest.raises(SystemExit):
        main(["ask", "q", "--without", "bm25"])
    assert "--without: unknown step bm25; choose from: hybrid, speakers, dialogue" in capsys.readouterr().err
    assert "--without" not in rag.cli.build_parser().format_help()  # only on the commands it changes
    for command in (["search", "x"], ["ask", "x"], ["serve"], ["eval", "x"]):
        assert rag.cli.build_parser().parse_args([*command, "--without", "abstention"]).without == {"abstention"}


def _damage(index_dir: Path, part: str) -> str:
    """Damage one file of the index's current generation the way a bad disk or copy would; its name."""
    name = json.loads((index_dir / "manifest.json").read_text())["files"][part]
    path = index_dir / name
    if part == "lexical":
        (path / "params.index.json").unlink()
    else:
        path.write_bytes(path.read_bytes()[:1000])
    return name


@pytest.mark.parametrize("part", ["vectors", "passages", "windows", "lexical"])
def test_a_damaged_index_is_one_error_naming_the_file_and_the_way_out(cli, presser: Path, capsys, part: str):
    main(["ingest", str(presser), "--index", str(cli)])
    name = _damage(cli, part)
    capsys.readouterr()
    assert main(["ask", "What target did Allies agree to aim for?", "--index", str(cli)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {name} of the index at {cli} cannot be read (")
    assert f"rag info --check --index {cli}" in err and "rag ingest --rebuild" in err
    # and the rebuild it names repairs it
    assert main(["ingest", "--rebuild", str(presser), "--index", str(cli)]) == 0
    assert main(["ask", "What target did Allies agree to aim for?", "--index", str(cli)]) == 0


@pytest.mark.parametrize("part", ["vectors", "passages", "windows"])
def test_an_ingest_into_a_damaged_index_changes_nothing_and_says_so(cli, presser: Path, tmp_path: Path, capsys, part):
    main(["ingest", str(presser), "--index", str(cli)])
    name = _damage(cli, part)
    before = {p.name: p.read_bytes() for p in cli.iterdir() if p.is_file()}
    more = tmp_path / "more.txt"
    more.write_text("Alice: We should ship the training centre in March.\nBob: Not before April.\n")
    capsys.readouterr()
    assert main(["ingest", str(more), "--index", str(cli)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.splitlines()[-1]  # after the progress bar
    assert last.startswith(f"error: {name} of the index at {cli} cannot be read (")
    assert "this ingest changed nothing" in last
    assert {p.name: p.read_bytes() for p in cli.iterdir() if p.is_file()} == before  # no new generation left


def test_a_different_transcript_of_the_same_name_is_refused_not_swapped_in(cli, tmp_path: Path, capsys):
    first, second = tmp_path / "a" / "transcript.txt", tmp_path / "b" / "transcript.txt"
    for path, text in (
        (first, "Ann: The ferry leaves Rotterdam at nine.\n"),
        (second, "Bo: The Gdansk ferry is late.\n"),
    ):
        path.parent.mkdir()
        path.write_text(text)
    assert main(["ingest", str(first), "--index", str(cli)]) == 0
    capsys.readouterr()
    assert main(["ingest", str(second), "--index", str(cli)]) == 1
    err = capsys.readouterr().err
    assert f"document id 'transcript' already holds another transcript, {first.resolve()}" in err
    assert "rename this file" in err and "--replace" in err
    assert main(["search", "ferry", "--json", "--index", str(cli)]) == 0
    assert "Rotterdam" in json.loads(capsys.readouterr().out)["passages"][0]["text"]  # the first is still there
    # --replace puts it in the other's place
    assert main(["ingest", str(second), "--replace", "--index", str(cli)]) == 0
    assert "1 updated" in capsys.readouterr().err
    # a transcript moved and then edited is the same document: its old file is gone
    moved = tmp_path / "c" / "transcript.txt"
    moved.parent.mkdir()
    second.rename(moved)
    moved.write_text("Bo: The Gdansk ferry is late again.\n")
    assert main(["ingest", str(moved), "--index", str(cli)]) == 0


def test_a_folder_with_no_transcript_says_so(cli, tmp_path: Path, capsys):
    empty, office = tmp_path / "empty", tmp_path / "office"
    empty.mkdir(), office.mkdir()
    (office / "minutes.docx").write_bytes(b"PK")
    (office / "slides.pdf").write_bytes(b"%PDF")
    assert main(["ingest", str(empty), str(office), "--index", str(cli)]) == 1
    err = capsys.readouterr().err
    assert f"error: {empty}: holds no transcript file (.txt, .md, .srt, .vtt, .json)\n" in err
    assert (
        f"error: {office}: holds no transcript file (.txt, .md, .srt, .vtt, .json); it holds 2 other files (.docx, .pdf)"
        in err
    )


def test_a_folder_names_the_files_it_does_not_read(cli, presser: Path, tmp_path: Path, capsys):
    folder = tmp_path / "mixed"
    (folder / ".git").mkdir(parents=True)
    (folder / "talk.txt").write_text(presser.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / ".obsidian").mkdir()
    (folder / ".obsidian" / "README.md").write_text("Jane Doe: a note, not a transcript.\n")
    assert main(["ingest", str(folder), "--index", str(cli)]) == 0  # the transcript is in
    err = capsys.readouterr().err
    assert "1 added" in err
    assert f"1 file of other types skipped ({folder / 'notes.pdf'}): only .txt, .md, .srt, .vtt, .json are read" in err
    assert "HEAD" not in err and "DS_Store" not in err
    assert main(["info", "--index", str(cli)]) == 0
    assert "README" not in capsys.readouterr().out  # a hidden folder's .md is no transcript


def test_a_large_file_shows_its_embedding_progress_with_the_same_vectors(cli, presser: Path, capsys, monkeypatch):
    import rag.ingest

    main(["ingest", str(presser), "--index", str(cli)])
    reader = IndexReader.open(cli, "fake-bag-of-words")  # held: vectors() is a view of its memory
    before = reader.vectors.vectors().copy()
    capsys.readouterr()
    monkeypatch.setattr(rag.ingest, "PROGRESS_FROM", 2)
    monkeypatch.setattr(rag.ingest, "_PROGRESS_STEP", 2)
    assert main(["ingest", "--rebuild", str(presser), "--index", str(cli)]) == 0
    assert "embedding presser-2025-01-01: passages" in capsys.readouterr().err
    reader = IndexReader.open(cli, "fake-bag-of-words")
    assert (reader.vectors.vectors() == before).all()


def test_a_full_disk_is_named_as_such_not_as_damage(cli, presser: Path, tmp_path: Path, capsys, monkeypatch):
    import sqlite3

    import rag.store

    main(["ingest", str(presser), "--index", str(cli)])
    before = {p.name: p.read_bytes() for p in cli.iterdir() if p.is_file()}

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(rag.store, "_copy_kept", full)
    more = tmp_path / "more.txt"
    more.write_text("Alice: We should ship the training centre in March.\nBob: Not before April.\n")
    capsys.readouterr()
    assert main(["ingest", str(more), "--index", str(cli)]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == (
        f"error: the disk holding the index at {cli} is full (database or disk is full): "
        "this ingest changed nothing; free some space and try again"
    )
    assert {p.name: p.read_bytes() for p in cli.iterdir() if p.is_file()} == before


def test_ask_batch_needs_only_the_questions(cli, presser: Path, tmp_path: Path, capsys):
    # a list of questions to answer, not a set to score: no ids, no gold lines
    main(["ingest", str(presser), "--index", str(cli)])
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "What target did Allies agree?"}\n{"question": "What about Iran?"}\n')
    capsys.readouterr()
    assert main(["ask", "--batch", str(questions), "--json", "--index", str(cli)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["id"], line["question"]) for line in lines] == [
        ("1", "What target did Allies agree?"),
        ("2", "What about Iran?"),
    ]
    # scoring still needs the gold lines, and says how to only answer
    questions.write_text('{"id": "a", "question": "What target did Allies agree?"}\n')
    assert main(["eval", str(questions), "--index", str(cli)]) == 1
    assert "needs 'gold_lines' (to only answer it: rag ask --batch)" in capsys.readouterr().err
