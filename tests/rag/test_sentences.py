from rag.sentences import MAX_SENTENCE_CHARS, quotable_spans, sentence_spans

CAPTIONS = "\n".join(f"caption line number {i} about solar panels and their price" for i in range(12))


def test_a_long_sentence_over_several_lines_is_cut_at_its_line_breaks():
    assert len(CAPTIONS) > MAX_SENTENCE_CHARS and len(sentence_spans(CAPTIONS)) == 1  # no punctuation: one "sentence"
    spans = quotable_spans(CAPTIONS)
    assert [CAPTIONS[s:e] for s, e in spans] == CAPTIONS.split("\n")


def test_unpunctuated_lines_are_cut_at_their_breaks_however_short():
    text = "welcome back today\nwe look at solar\nit got cheap"
    assert [text[s:e] for s, e in quotable_spans(text)] == text.split("\n")


def test_sentences_are_kept_where_they_are_short_or_on_one_line():
    wrapped = "We agreed on the budget, which grows by two percent,\nand on the plan for next year. Then we left."
    assert quotable_spans(wrapped) == sentence_spans(wrapped)  # hard-wrapped prose keeps its sentences
    long_line = " ".join(["word"] * 200) + "."
    assert quotable_spans(long_line) == [(0, len(long_line))]


def test_an_abbreviation_sentencex_does_not_know_ends_no_sentence():
    text = "The delegation departs at approx. 9 p.m. on Sunday. Approx. 3,000 troops will follow."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The delegation departs at approx. 9 p.m. on Sunday.",
        "Approx. 3,000 troops will follow.",
    ]


def test_a_time_zone_or_a_unit_still_ends_its_sentence():
    text = "The call starts at 9 a.m. EST. Next question, please."
    assert [text[a:b] for a, b in sentence_spans(text)][-1] == "Next question, please."
    text = "The wall is ten ft. It fell over."
    assert [text[a:b] for a, b in sentence_spans(text)] == ["The wall is ten ft.", "It fell over."]
