"""A serving Pipeline reads a consistent index while a real `rag ingest` process replaces it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.answering import ExtractiveAnswerer
from rag.integrity import text_matches_lines
from rag.pipeline import Pipeline
from rag.settings import Settings

NEW_DOC = "fisheries-hearing"
HEARING = """\
Fisheries hearing

Moderator
Welcome to the hearing on North Sea cod quotas.

Dr Ann Lee, Marine Biologist
Cod stocks in the North Sea fell by a third since 2010.
We recommend cutting the cod quota by twenty percent next season.
"""


def assert_consistent(pipeline: Pipeline, query: str) -> None:
    """Each hit's passage lies on its document's lines, and the reader's counts agree."""
    hits = pipeline.search(query, k=5)
    reader = pipeline.reader()
    assert hits
    assert len(reader.vectors) == reader.manifest["n_passages"] == len(reader.rows_matching())
    for hit in hits:
        p = hit.passage
        assert text_matches_lines(p.text, reader.lines(p.doc, p.line_start, p.line_end)), p


@pytest.mark.slow
def test_pipeline_stays_consistent_while_another_process_ingests(sample_pipeline, real_embedder, tmp_path: Path):
    index_dir = tmp_path / "index"
    shutil.copytree(sample_pipeline.index_dir, index_dir)
    new_file = tmp_path / f"{NEW_DOC}.txt"
    new_file.write_text(HEARING, encoding="utf-8")
    serving = Pipeline(Settings(index_dir=index_dir), real_embedder, ExtractiveAnswerer(real_embedder))
    assert serving.reader().documents() == ["nato-2025-05-15-antalya"]

    rag = Path(sys.executable).parent / "rag"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ingest = subprocess.Popen([str(rag), "ingest", str(new_file), "--index", str(index_dir)], env=env)
    generations, n_queries = set(), 0
    try:
        while ingest.poll() is None:
            for query in ("cod quota North Sea", "nuclear warheads China"):
                assert_consistent(serving, query)
                n_queries += 1
            generations.add(serving.reader().manifest["generation"])
    finally:
        ingest.kill()  # only if an assertion left it running
        ingest.wait()
    assert ingest.returncode == 0
    assert n_queries > 10  # the loop did run while the other process ingested

    assert_consistent(serving, "cod quota North Sea")
    assert serving.reader().documents() == [NEW_DOC, "nato-2025-05-15-antalya"]
    assert serving.search("cod quota North Sea", k=1)[0].passage.doc == NEW_DOC
    assert len(generations | {serving.reader().manifest["generation"]}) == 2
