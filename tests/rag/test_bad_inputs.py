"""Every file of the bad-input corpus, ingested beside a good document: the expected outcome,
a message that names the problem, and nothing already indexed lost or changed."""

import json
import shutil
from pathlib import Path

import pytest

from tests.bad_inputs import FOLDER, big_cases

EXPECTED: dict[str, str] = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_is_big_enough_and_every_file_has_an_outcome():
    files = {p.name for p in FOLDER.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED) and len(files) >= 30


def state(pipeline) -> tuple:
    reader = pipeline.reader()
    return pipeline.info()["documents"], pipeline.info()["n_passages"], reader.lines("presser-2025-01-01")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gets_its_outcome_and_hurts_nothing(presser_pipeline, tmp_path, name):
    before = state(presser_pipeline)
    path = tmp_path / name
    shutil.copyfile(FOLDER / name, path)
    report = presser_pipeline.ingest([path])
    expected = EXPECTED[name]
    if expected == "ok":
        assert report.failed == [] and report.added == [path.stem]
        assert presser_pipeline.reader().lines("presser-2025-01-01") == before[2]
    else:
        assert len(report.failed) == 1 and report.added == []
        reason = report.failed[0][1]
        assert expected in reason, reason
        assert state(presser_pipeline) == before


def test_files_too_big_to_commit(make_pipeline, presser, tmp_path):
    for path, max_file_mb, expected in big_cases(tmp_path):
        pipeline = make_pipeline(max_file_mb=max_file_mb, index_dir=tmp_path / f"index-{max_file_mb}")
        pipeline.ingest([presser])
        before = state(pipeline)
        report = pipeline.ingest([path])
        assert len(report.failed) == 1 and expected in report.failed[0][1], report.failed
        assert state(pipeline) == before


def test_a_folder_ingests_the_good_files_and_names_the_bad_ones(presser_pipeline, tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(FOLDER, folder)
    (folder / "expected.json").unlink()
    report = presser_pipeline.ingest([folder])
    failed = {Path(path).name for path, _ in report.failed}
    good = {n for n, outcome in EXPECTED.items() if outcome == "ok"}
    # files the folder walk skips (no supported suffix) are not reported one by one
    walked = {n for n in EXPECTED if Path(n).suffix in (".txt", ".md", ".srt", ".vtt", ".json")}
    assert set(report.added) == {Path(n).stem for n in good}
    assert failed == walked - good
