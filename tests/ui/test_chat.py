"""The chat's state logic on the fake pipeline: turns, follow-ups, filters and uploads."""

from pathlib import Path

from tests.conftest import PRESSER
from ui.chat import (
    ALL_DOCUMENTS,
    ALL_SPEAKERS,
    Filters,
    add_uploads,
    chat_turn,
    document_choices,
    refreshed_choices,
    safe_name,
    speaker_choices,
)

MB = 1_000_000


def test_a_turn_shows_the_question_then_the_answer_with_its_sources(presser_pipeline):
    views = list(chat_turn(presser_pipeline, "What target did Allies agree to aim for?", [], Filters()))
    assert views[0].history == [{"role": "user", "content": "What target did Allies agree to aim for?"}]
    assert views[0].sources == []
    last = views[-1]
    reply = last.history[-1]["content"]
    assert last.history[-1]["role"] == "assistant" and "three percent" in reply and "line 17" in reply
    first = last.sources[0]
    assert (first.citation.speaker, first.citation.line_start) == ("Jane Doe", 17)
    assert first.cited.lines[0].startswith("Yes. Allies agreed")
    assert (
        first.before is not None and first.before.speaker == "Ali Kaya (Daily News)" and first.before.line_start == 14
    )


def test_a_follow_up_is_asked_with_the_earlier_questions(presser_pipeline):
    history = [
        {"role": "user", "content": "What about the training centre?"},
        {"role": "assistant", "content": "Jane Doe: ..."},
    ]
    last = list(chat_turn(presser_pipeline, "When does it open?", history, Filters()))[-1]
    assert last.history[:2] == history and len(last.history) == 4
    assert "March" in last.history[-1]["content"]


def test_filters_restrict_the_speaker(presser_pipeline):
    last = list(chat_turn(presser_pipeline, "training centre", [], Filters(speaker="Maria Lopez")))[-1]
    assert {s.citation.speaker for s in last.sources} == {"Maria Lopez (Radio Sur)"}


def test_filters_from_widgets_turn_all_into_none():
    assert Filters.from_widgets(ALL_DOCUMENTS, ALL_SPEAKERS, 7.0, "extractive") == Filters(None, None, 7, "extractive")
    assert Filters.from_widgets("d", "Jane", None, "") == Filters("d", "Jane", None, None)


def test_errors_are_shown_in_the_chat_not_raised(presser_pipeline):
    last = list(chat_turn(presser_pipeline, "budget", [], Filters(answerer="oracle")))[-1]
    assert last.history[-1]["content"].startswith("Error: no answerer named")


def test_an_empty_message_changes_nothing(presser_pipeline):
    assert [v.history for v in chat_turn(presser_pipeline, "  ", [], Filters())] == [[]]


def test_speaker_choices_follow_the_document(presser_pipeline):
    assert speaker_choices(presser_pipeline, "presser-2025-01-01") == [
        ALL_SPEAKERS,
        "Ali Kaya (Daily News)",
        "Jane Doe",
        "Maria Lopez (Radio Sur)",
    ]


def test_refreshed_choices_list_an_uploaded_transcripts_speakers_under_all_documents(presser_pipeline, tmp_path):
    before = speaker_choices(presser_pipeline, None)
    add_uploads(
        presser_pipeline,
        [
            upload(
                tmp_path,
                "mfa.txt",
                "Reporter: Will China respond?\nMao Ning: We oppose the export controls.\nReporter: How?\nMao Ning: Firmly.\n",
            )
        ],
        tmp_path / "up",
        MB,
    )
    documents, doc, speakers, speaker = refreshed_choices(presser_pipeline, ALL_DOCUMENTS, "Jane Doe")
    assert "mfa" in documents and doc == ALL_DOCUMENTS
    assert "Mao Ning" in speakers and set(before) < set(speakers) and speaker == "Jane Doe"
    # a choice the index no longer holds falls back to all
    assert refreshed_choices(presser_pipeline, "gone", "Nobody")[1::2] == (ALL_DOCUMENTS, ALL_SPEAKERS)


def test_safe_name_keeps_uploads_inside_their_folder():
    assert safe_name("../../etc/My Talk (v2).txt") == "My-Talk-v2-.txt"
    assert safe_name("..\\..\\x.md") == "x.md"
    assert safe_name("...") == "upload"
    assert safe_name("../().txt") == "upload.txt"  # the extension kept, not made the name


def test_safe_name_keeps_letters_of_any_script():
    assert safe_name("Пресс-конференция.txt") == "Пресс-конференция.txt"
    assert safe_name("新闻发布会.txt") == "新闻发布会.txt"
    assert safe_name("réunion du 3 mai.vtt") == "réunion-du-3-mai.vtt"
    assert safe_name("../Пресс/конференция.srt") == "конференция.srt"
    # letters written with combining marks: macOS's decomposed "é", Devanagari, Thai
    assert safe_name("re\u0301union.vtt") == "r\u00e9union.vtt"
    assert safe_name("साक्षात्कार.txt") == "साक्षात्कार.txt"
    assert safe_name("สัมภาษณ์.txt") == "สัมภาษณ์.txt"
    assert safe_name(".txt") == "upload.txt"


def upload(tmp_path: Path, name: str, data: str | bytes) -> Path:
    folder = tmp_path / "browser-cache"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_an_uploaded_transcript_is_kept_and_indexed(presser_pipeline, tmp_path):
    uploads = tmp_path / "uploads"
    text = PRESSER.replace("Riga", "Tallinn")
    message = add_uploads(presser_pipeline, [upload(tmp_path, "talk two.txt", text)], uploads, 20 * MB)
    assert message == "✓ talk-two: added; ask about it now."
    assert (uploads / "talk-two.txt").read_text() == text
    assert "talk-two" in document_choices(presser_pipeline)
    again = add_uploads(presser_pipeline, [upload(tmp_path, "talk two.txt", text)], uploads, 20 * MB)
    assert again == "= talk-two: already in the index, unchanged."


def test_an_upload_named_in_another_script_is_indexed_under_its_name(presser_pipeline, tmp_path):
    text = PRESSER.replace("Riga", "Tallinn")
    message = add_uploads(presser_pipeline, [upload(tmp_path, "Пресс-конференция.txt", text)], tmp_path / "up", 20 * MB)
    assert message == "✓ Пресс-конференция: added; ask about it now."
    assert "Пресс-конференция" in document_choices(presser_pipeline)


def test_bad_uploads_are_refused_with_a_reason_and_change_nothing(presser_pipeline, tmp_path):
    uploads = tmp_path / "uploads"
    before = presser_pipeline.info()
    files = [
        upload(tmp_path, "big.txt", PRESSER * 10),
        upload(tmp_path, "slides.pdf", "%PDF-1.7"),
        upload(tmp_path, "binary.txt", b"\x00\x01 not text"),
    ]
    message = add_uploads(presser_pipeline, files, uploads, len(PRESSER) * 2)
    lines = message.split("\n\n")
    assert lines[0].startswith(
        f"✗ big.txt: {len(PRESSER) * 10 / 1000:.1f} kB is over the {len(PRESSER) * 2 / 1000:.1f} kB"
    )
    assert "--max-upload-mb" in lines[0]
    assert "slides.pdf: unsupported file type .pdf; supported: .txt, .md" in lines[1]
    assert lines[2].startswith("✗ binary.txt: holds NUL bytes") and str(uploads) not in lines[2]
    assert all(line.endswith("Nothing was added.") for line in lines)
    assert presser_pipeline.info() == before
    assert not (uploads / "binary.txt").exists() and not (uploads / "slides.pdf").exists()


def test_a_failed_update_puts_the_previous_upload_back(presser_pipeline, tmp_path):
    uploads = tmp_path / "uploads"
    talk = PRESSER.replace("Riga", "Oslo")
    assert add_uploads(presser_pipeline, [upload(tmp_path, "talk.txt", talk)], uploads, 20 * MB).startswith("✓ talk")
    before = presser_pipeline.info()
    message = add_uploads(presser_pipeline, [upload(tmp_path, "talk.txt", b"\x00\x01 broken")], uploads, 20 * MB)
    assert message.startswith("✗ talk.txt: holds NUL bytes")
    assert (uploads / "talk.txt").read_text() == talk
    assert presser_pipeline.info() == before


def test_the_same_transcript_under_another_name_is_refused_as_a_duplicate(presser_pipeline, tmp_path):
    message = add_uploads(presser_pipeline, [upload(tmp_path, "copy.txt", PRESSER)], tmp_path / "uploads", 20 * MB)
    assert (
        message
        == "✗ copy.txt: has the same content as document 'presser-2025-01-01'; not indexed twice. Nothing was added."
    )


def test_a_generated_answer_streams_and_flags_what_the_lines_do_not_support(presser_pipeline, fake_embedder):
    from rag.generative import GenerativeAnswerer
    from rag.pipeline import Pipeline
    from tests.fakes import ScriptedGenerator

    reply = "Allies agreed to aim for three percent of GDP [1]. Jane Doe said troops will land on Mars [2]."
    generative = GenerativeAnswerer(ScriptedGenerator([reply]), fake_embedder)
    pipeline = Pipeline(presser_pipeline.settings, fake_embedder, generative, alternatives=[presser_pipeline.answerer])
    views = list(chat_turn(pipeline, "What target did Allies agree to aim for?", [], Filters()))
    drafts = [v.history[-1]["content"] for v in views[1:-1]]
    assert len(drafts) > 3 and all(not v.sources for v in views[1:-1])  # token by token, cards at the end
    final = views[-1].history[-1]["content"]
    assert "three percent of GDP. [1]" in final
    assert "⚠️ _Jane Doe said troops will land on Mars._" in final and "(not supported by the transcript)" in final
    assert views[-1].sources and views[-1].sources[0].citation.line_start == 17
