import pytest

from rag.chunking import chunk_transcript, chunk_turn, embedding_text, embedding_texts
from rag.parsing import parse_text, read_transcript
from rag.records import Turn
from tests.conftest import PRESSER, SAMPLE
from tests.fakes import BagOfWordsEmbedder

count = BagOfWordsEmbedder().count_tokens


def test_one_passage_per_paragraph():
    passages = chunk_transcript(parse_text(PRESSER, "presser"), count, max_tokens=256)
    assert [(p.speaker, p.line_start, p.line_end) for p in passages] == [
        ("Jane Doe", 9, 9),
        ("Jane Doe", 11, 11),
        ("Ali Kaya (Daily News)", 14, 14),
        ("Jane Doe", 17, 18),
        ("Maria Lopez (Radio Sur)", 21, 21),
        ("Jane Doe", 24, 24),
    ]
    assert passages[3].text == "Yes. Allies agreed to aim for three percent of GDP.\nThat decision was unanimous."
    assert passages[3].passage_id == "presser:17-18#0"


def test_long_paragraph_splits_between_sentences_within_budget():
    sentences = [f"Sentence number {i} has exactly seven words." for i in range(10)]
    turn = Turn("A", "A", 5, 5, (" ".join(sentences),))
    passages = chunk_turn("d", turn, count, max_tokens=30)
    assert len(passages) > 1
    assert all(count([embedding_text("A", p.text)])[0] <= 30 for p in passages)
    assert " ".join(p.text for p in passages) == " ".join(sentences)  # nothing lost, nothing cut mid-sentence
    assert {(p.line_start, p.line_end) for p in passages} == {(5, 5)}
    assert [p.passage_id for p in passages][:2] == ["d:5-5#0", "d:5-5#1"]


def test_sentence_longer_than_budget_is_cut_between_words():
    turn = Turn("A", "A", 1, 1, (" ".join(["word"] * 100),))
    passages = chunk_turn("d", turn, count, max_tokens=20)
    assert all(count([embedding_text("A", p.text)])[0] <= 20 for p in passages)
    assert sum(len(p.text.split()) for p in passages) == 100


def test_hard_wrapped_paragraph_maps_pieces_to_their_lines():
    lines = ("First sentence is here. Second one", "continues here. Third sentence", "ends on line three.")
    turn = Turn("A", "A", 10, 12, lines)
    passages = chunk_turn("d", turn, count, max_tokens=12)
    for p in passages:
        joined = "\n".join(lines[p.line_start - 10 : p.line_end - 10 + 1])
        assert p.text in joined
    assert passages[0].line_start == 10 and passages[-1].line_end == 12


YOUTUBE = "Energy explained\n\n0:00\nwelcome back today we\n0:04\nlook at why solar got cheap\n0:09\nthe price fell\n"


def test_a_time_written_above_each_caption_line_keeps_the_paragraph_and_times_its_passages():
    passages = chunk_transcript(parse_text(YOUTUBE, "yt"), count, max_tokens=14)
    # one paragraph, cut between caption lines; the times are no part of the text
    assert [(p.line_start, p.line_end, p.time_start, p.time_end) for p in passages] == [
        (4, 6, 0.0, 9.0),  # from the time above its first line to the time below its last
        (8, 8, 9.0, None),
    ]
    assert passages[0].text == "welcome back today we\n\nlook at why solar got cheap"
    whole = chunk_transcript(parse_text(YOUTUBE, "yt"), count, max_tokens=256)
    assert [(p.line_start, p.line_end, p.time_start, p.time_end) for p in whole] == [(4, 8, 0.0, None)]


def test_captions_timed_before_each_line_are_cut_between_lines_not_inside_them():
    text = "Solar\n\n" + "".join(
        f"0:{i:02d} caption line {i} about solar panels and their price\n" for i in range(7, 47, 4)
    )
    passages = chunk_transcript(parse_text(text, "yt"), count, max_tokens=24)
    assert len(passages) > 1
    lines = text.splitlines()
    for p in passages:  # whole caption lines, each passage timed from its first
        assert p.text == "\n".join(line.split(" ", 1)[1] for line in lines[p.line_start - 1 : p.line_end])
        assert p.time_start == int(lines[p.line_start - 1].split(" ")[0].split(":")[1])


@pytest.mark.slow
def test_no_sample_passage_is_truncated_by_the_real_model(real_embedder):
    transcript = read_transcript(SAMPLE)
    passages = chunk_transcript(transcript, real_embedder.count_tokens, max_tokens=real_embedder.max_tokens)
    counts = real_embedder.count_tokens([embedding_text(p.speaker, p.text) for p in passages])
    assert max(counts) <= real_embedder.max_tokens == 256
    for p in passages:
        assert p.text in "\n".join(transcript.lines[p.line_start - 1 : p.line_end])


def test_embedding_text_carries_the_previous_sentence_whoever_spoke_it():
    text = "China is building up its forces. " + " ".join(f"Filler sentence {i} here." for i in range(6))
    turn = Turn("Rutte", "Rutte", 1, 1, (text + " They will have a thousand warheads.",))
    passages = chunk_turn("d", turn, count, max_tokens=16) + chunk_turn(
        "d", Turn("Kaya", "Kaya", 3, 3, ("Why?",)), count, max_tokens=16
    )
    texts = embedding_texts(passages, count, model_max_tokens=256)
    assert texts[0] == f"Rutte: {passages[0].text}"  # nothing before it
    last_of_previous = passages[-3].text.split(". ")[-1]
    assert texts[-2] == f"Rutte: {last_of_previous} {passages[-2].text}"
    # a reply is about what it replies to: another speaker's last sentence leads it too
    assert texts[-1] == f"Kaya: {passages[-2].text.split('. ')[-1]} Why?"
    other_doc = chunk_turn("e", Turn("Kaya", "Kaya", 1, 1, ("Why?",)), count, max_tokens=16)
    assert embedding_texts(passages[:1] + other_doc, count, model_max_tokens=256)[-1] == "Kaya: Why?"


def test_context_is_dropped_where_it_would_pass_the_model_limit():
    passages = chunk_turn(
        "d", Turn("A", "A", 1, 1, ("One two three four five six. Seven eight nine ten eleven.",)), count, max_tokens=10
    )
    assert len(passages) == 2
    assert embedding_texts(passages, count, model_max_tokens=10)[1] == f"A: {passages[1].text}"
