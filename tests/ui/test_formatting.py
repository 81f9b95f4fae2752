from rag.records import Answer, AskResult, Citation
from rag.sources import Excerpt, Source
from ui.formatting import (
    answer_pieces,
    as_text,
    format_reply,
    highlighted,
    quote_spans,
    same_turns,
    source_card_html,
    transcript_html,
    user_turns,
)


def result(answer: Answer) -> AskResult:
    return AskResult("q", answer, (), {})


def test_reply_lists_cited_lines_with_speaker_doc_and_quote():
    c = Citation("nato", 117, 117, "Mark Rutte", "They will have a thousand nuclear warheads.")
    reply = format_reply(result(Answer("Mark Rutte: “They will have a thousand nuclear warheads.” [1]", (c,), False)))
    assert "[1]" in reply.splitlines()[0]
    assert "1. **Mark Rutte**, nato, line 117: “They will have a thousand nuclear warheads.”" in reply


def test_transcript_markup_is_shown_as_text_never_run():
    quote = "<script>alert(1)</script><img src=x onerror=alert(2)> *bold* [link](http://x)"
    c = Citation("d", 3, 4, "<b>Eve</b>", quote)
    reply = format_reply(result(Answer(f"Eve: “{quote}” [1]", (c,), False)))
    assert "<script>" not in reply and "<img" not in reply and "<b>" not in reply
    assert "&lt;script&gt;" in reply and "&lt;img src=x onerror=alert(2)&gt;" in reply
    assert "\\*bold\\*" in reply and "\\[link\\]" in reply
    assert "lines 3–4" in reply


def test_abstention_is_shown_plainly():
    reply = format_reply(result(Answer("The transcripts don't answer this question: no.", (), True)))
    assert reply == "The transcripts don't answer this question: no."


def test_as_text_collapses_line_breaks():
    assert as_text("a\nb") == "a b"


def test_user_turns_reads_every_history_shape():
    messages = [
        {"role": "user", "content": "What about China?"},
        {"role": "assistant", "content": "Mark Rutte: ..."},
        {"role": "user", "content": [{"type": "text", "text": "How many warheads?"}]},
    ]
    assert user_turns(messages) == ["What about China?", "How many warheads?"]
    assert user_turns([["old style", "reply"]]) == ["old style"]
    assert user_turns([]) == []


def test_answer_pieces_grow_a_cited_quote_at_a_time():
    text = "Mark Rutte: “Yes.” [1] “No.” [2]\nJane Doe: “Maybe.” [3]"
    pieces = answer_pieces(text)
    assert pieces == [
        "Mark Rutte: “Yes.” [1]",
        "Mark Rutte: “Yes.” [1] “No.” [2]",
        "Mark Rutte: “Yes.” [1] “No.” [2]\nJane Doe: “Maybe.” [3]",
    ]


def test_answer_pieces_without_markers_grow_by_sentence():
    assert answer_pieces("The transcripts don't answer this. Ask again.") == [
        "The transcripts don't answer this.",
        "The transcripts don't answer this. Ask again.",
    ]


def test_quote_spans_find_a_quote_across_lines_and_spacing():
    lines = ["Yes. They  will.", "Soon enough."]
    assert quote_spans(lines, "They will. Soon") == [[(5, 16)], [(0, 4)]]
    assert quote_spans(lines, "not there") == [[], []]


def test_highlighted_marks_the_quote_and_escapes_the_rest():
    assert highlighted("<b>a</b> said yes", [(9, 13)]) == "&lt;b&gt;a&lt;/b&gt; <mark>said</mark> yes"


def test_highlighted_keeps_context_around_the_quote_on_long_lines():
    line = " ".join(f"w{i}" for i in range(200))
    start = line.index("w100")
    text = highlighted(line, [(start, start + 4)], context=20)
    assert text.startswith("…") and text.endswith("…") and "<mark>w100</mark>" in text
    assert len(text) < 80 and "w0 " not in text


def source(quote: str, cited_lines: tuple[str, ...], before: Excerpt | None = None) -> Source:
    c = Citation("doc-1", 17, 16 + len(cited_lines), "Jane <Doe>", quote)
    return Source(c, Excerpt("doc-1", c.speaker, c.line_start, c.line_end, cited_lines), before)


def test_source_card_shows_speaker_doc_lines_quote_and_the_question_before():
    before = Excerpt("doc-1", "Ali Kaya", 14, 14, ("Will the target rise?",))
    card = source_card_html(2, source("three percent", ("Yes. Aim for three percent of GDP.",), before))
    assert "[2]" in card and "Jane &lt;Doe&gt;" in card and "doc-1" in card and "line 17" in card
    assert "<mark>three percent</mark>" in card
    assert "In reply to Ali Kaya, line 14" in card and "Will the target rise?" in card


def test_a_second_quote_of_the_same_turn_does_not_show_the_turn_it_answers_again():
    before = Excerpt("doc-1", "Ali Kaya", 14, 14, ("Will the target rise?",))
    other = Excerpt("doc-1", "Bo Li", 30, 30, ("And the ferry?",))
    first = source("three percent", ("Yes. Aim for three percent of GDP. It was unanimous.",), before)
    second = source("unanimous", ("Yes. Aim for three percent of GDP. It was unanimous.",), before)
    third = source("ferry", ("The ferry is late.",), other)
    assert same_turns([first, second, third]) == [None, 1, None]
    assert same_turns([first, source("unanimous", ("x",), None)]) == [None, None]  # no turn before: nothing shared
    card = source_card_html(2, second, same_turns([first, second])[1])
    assert "In the same turn as [1]" in card and "In reply to" not in card and "Will the target rise?" not in card
    assert "<mark>unanimous</mark>" in card


def test_source_card_renders_markup_in_transcripts_as_text():
    evil = "<script>window.x=1</script><img src=x onerror=alert(2)>"
    card = source_card_html(1, source("onerror", (evil,)))
    assert "<script>" not in card and "<img" not in card
    assert "&lt;script&gt;" in card and "<mark>onerror</mark>" in card


def test_transcript_view_numbers_every_line_and_marks_the_cited_ones():
    lines = ["Title", "", "Jane Doe", "Yes, three percent.", "Thanks."]
    page = transcript_html("doc-1", lines, Citation("doc-1", 4, 4, "Jane Doe", "three percent"))
    assert page.count('class="tqa-line') == 5 and 'id="L5"' in page
    assert 'class="tqa-line tqa-cited-line tqa-target" id="L4"' in page
    assert "<mark>three percent</mark>" in page and "line 4 highlighted" in page
