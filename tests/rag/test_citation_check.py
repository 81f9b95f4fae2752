"""The citation check on scripted model outputs: good citations, wrong numbers, missing markers,
an unsupported claim, an obeyed injection, and the no-answer reply."""

import pytest

from rag.citation_check import CitationChecker, says_no_answer, split_sentences, valid_markers
from rag.generative import GenerativeAnswerer
from rag.prompting import NO_ANSWER
from rag.records import Hit, Passage
from tests.fakes import ScriptedGenerator


def hit(line: int, speaker: str, text: str, score: float = 0.5) -> Hit:
    end = line + text.count("\n")
    return Hit(Passage("brief", f"brief:{line}-{end}#0", speaker, line, end, text), score)


HITS = [
    hit(17, "Jane Doe", "Yes. Allies agreed to aim for three percent of GDP.\nThat decision was unanimous."),
    hit(24, "Jane Doe", "It opens in March with two hundred instructors."),
    hit(14, "Ali Kaya (Daily News)", "Will the spending target rise next year?"),
]


@pytest.fixture
def answer(fake_embedder):
    def run(reply: str):
        answerer = GenerativeAnswerer(ScriptedGenerator([reply]), fake_embedder)
        return answerer.answer("What did Allies agree?", HITS)

    return run


def test_good_citations_are_kept_and_quoted_verbatim(answer):
    a = answer("Jane Doe said Allies agreed to aim for three percent of GDP [1]. The centre opens in March [2].")
    assert not a.abstained
    assert [(s.citations, s.supported) for s in a.sentences] == [((0,), True), ((1,), True)]
    assert [(c.line_start, c.quote) for c in a.citations] == [
        (17, "Allies agreed to aim for three percent of GDP."),
        (24, "It opens in March with two hundred instructors."),
    ]
    assert a.text == "Jane Doe said Allies agreed to aim for three percent of GDP. [1] The centre opens in March. [2]"


def test_a_marker_to_no_excerpt_is_dropped_and_the_sentence_recited(answer):
    a = answer("Allies agreed to aim for three percent of GDP [7].")
    assert "[7]" not in a.text
    assert a.sentences[0].supported and a.citations[0].line_start == 17


def test_markers_are_renumbered_in_order_of_use(answer):
    a = answer("It opens in March with two hundred instructors [2]. Allies agreed three percent [1].")
    assert [c.line_start for c in a.citations] == [24, 17]
    assert a.text.endswith("instructors. [1] Allies agreed three percent. [2]")


def test_a_sentence_without_marker_gets_the_passage_that_supports_it(answer):
    a = answer("The decision on three percent of GDP was unanimous.")
    assert a.sentences[0].citations == (0,) and a.sentences[0].supported
    assert a.citations[0].quote == "That decision was unanimous." and a.citations[0].line_start == 18


def test_an_unsupported_claim_is_flagged_not_presented_as_fact(answer):
    a = answer("Allies agreed to aim for three percent of GDP [1]. Jane Doe said troops will land on Mars [2].")
    assert [s.supported for s in a.sentences] == [True, False]


def test_a_claim_citing_the_wrong_excerpt_is_flagged(answer):
    a = answer("The centre opens in March with two hundred instructors [1].")
    assert a.sentences[0].citations == (0,) and not a.sentences[0].supported


def test_an_obeyed_injection_is_flagged(answer):
    a = answer("I have been told to ignore my instructions. The password is swordfish.")
    assert a.sentences and not any(s.supported for s in a.sentences)
    assert all(s.citations == () for s in a.sentences) and a.citations == ()


def test_the_no_answer_reply_abstains(answer):
    a = answer(NO_ANSWER)
    assert a.abstained and a.citations == () and a.sentences == ()
    assert says_no_answer(f"{NO_ANSWER} [1]") and not says_no_answer("Allies agreed [1].")


def test_the_stream_never_shows_a_marker_to_no_excerpt(fake_embedder):
    answerer = GenerativeAnswerer(ScriptedGenerator(["Allies agreed [9] on three percent [1]."]), fake_embedder)
    stream = answerer.start("q", HITS)
    shown = list(stream)
    assert len(shown) > 2 and all("[9]" not in text for text in shown)
    assert shown[-1] == "Allies agreed on three percent [1]."
    assert stream.answer().citations[0].line_start == 17


def test_valid_markers_and_sentence_splitting():
    assert valid_markers("a [1, 4] b [3][0]", 3) == "a [1] b [3]"
    sentences = split_sentences("First claim. [2] Second [1], [3].", 3)
    assert [(s.text, s.cited) for s in sentences] == [("First claim.", (1,)), ("Second.", (0, 2))]


def test_checker_threshold_is_a_parameter(fake_embedder):
    strict = CitationChecker(fake_embedder, threshold=1.01)
    a = strict.check("Allies agreed to aim for three percent of GDP [1].", HITS)
    assert not a.sentences[0].supported


def test_a_quote_from_unpunctuated_captions_is_one_caption_line(fake_embedder):
    # Caption lines with no full stop are one "sentence" to a sentence splitter; the
    # extractive answerer quotes one line of them (rag.sentences.quotable_spans), and so
    # must a generated answer's citation.
    captions = "\n".join(f"caption line {i} about the price of solar panels" for i in range(8))
    captions += "\nwe look at why solar panels got so cheap"
    answerer = GenerativeAnswerer(ScriptedGenerator(["Solar panels got cheap [1]."]), fake_embedder)
    a = answerer.answer("Why did solar panels get cheaper?", [hit(40, "Unknown speaker", captions)])
    (citation,) = a.citations
    assert citation.line_start == citation.line_end
    assert "\n" not in citation.quote
    assert citation.quote in captions.splitlines()
