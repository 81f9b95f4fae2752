from rag.abstention import abstention_reason, question_names, unknown_names
from rag.records import Hit, Passage
from rag.text import term


def test_question_names_skip_the_first_word_and_possessives():
    assert question_names("What did Rutte say about Iran's nuclear programme?") == ["Rutte", "Iran"]
    assert question_names("how many warheads") == []


def test_names_match_across_inflections_and_accents():
    vocabulary = {term(w) for w in ["Türkiye", "Chinese", "Rutte"]}
    assert unknown_names("What did Rutte say about China and Turkey?", vocabulary) == []
    assert unknown_names("What about Iran and Iraq?", vocabulary | {term("Iraq")}) == ["Iran"]


def test_reasons_in_order_of_checking():
    hit = Hit(Passage("d", "d:1-1#0", "A", 1, 1, "text"), 0.2)
    assert abstention_reason("anything", [], set(), 0.3) == "no passage matches the question"
    assert "Iran" in abstention_reason("What about Iran?", [hit], set(), 0.1)
    assert "0.20 < 0.30" in abstention_reason("what about it", [hit], set(), 0.3)
    assert abstention_reason("what about it", [hit], set(), 0.1) is None


def test_spelled_out_acronyms_count_as_mentioned():
    from rag.text import join_spelled, spelled_acronyms

    assert spelled_acronyms("the L_C_D_ screen, made in the U.S.") == ["LCD", "US"]
    assert join_spelled("an L_C_D_ screen") == "an LCD screen"
    vocabulary = {term(w) for w in spelled_acronyms("the L_C_D_ screen")}
    assert unknown_names("What did they decide about the LCD?", vocabulary) == []
