from rag.records import Answer, AskResult, Citation
from ui.formatting import as_text, format_reply, user_turns


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
