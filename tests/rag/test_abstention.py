import numpy as np

from rag.abstention import (
    SIGNAL_HITS,
    AbstentionSignals,
    AbstentionThresholds,
    decline_reason,
    foreign_script,
    known_names,
    measure,
    name_keys,
    name_similarities,
    names_together_at,
    quantity_unstated,
    question_names,
    read_answer,
    unknown_names,
)
from rag.records import Answer, Citation, Hit, Passage
from rag.text import term
from tests.fakes import BagOfWordsEmbedder

ALL_OFF = AbstentionThresholds(
    min_score=-1.0, min_name_similarity=-1.0, names_window=0, check_quantities=False, check_script=False
)


def hit(text: str, score: float = 0.5, speaker: str = "Mark Rutte", line: int = 1) -> Hit:
    return Hit(Passage("d", f"d:{line}-{line}#0", speaker, line, line, text), score)


class Corpus:
    """A stand-in for IndexReader: the vocabulary and speakers of some texts."""

    def __init__(self, texts, speakers=("Mark Rutte",)):
        from rag.text import words

        self.vocabulary = frozenset(term(w) for t in [*texts, *speakers] for w in words(t))
        self._speakers = list(speakers)

    def speakers(self, doc=None):
        return self._speakers


class SynonymEmbedder(BagOfWordsEmbedder):
    """Bag of words, except that "Beijing" embeds as "China": a paraphrase the model knows."""

    def embed_passages(self, texts):
        return super().embed_passages(["China" if t == "Beijing" else t for t in texts])


def test_question_names_skip_the_first_word_and_possessives():
    assert question_names("What did Rutte say about Iran's nuclear programme?") == ["Rutte", "Iran"]
    assert question_names("how many warheads") == []


def test_names_match_across_inflections_and_accents():
    vocabulary = {term(w) for w in ["Türkiye", "Chinese", "Rutte"]}
    assert unknown_names("What did Rutte say about China and Turkey?", vocabulary) == []
    assert unknown_names("What about Iran and Iraq?", vocabulary | {term("Iraq")}) == ["Iran"]


def test_spelled_out_acronyms_count_as_mentioned():
    from rag.text import join_spelled, spelled_acronyms

    assert spelled_acronyms("the L_C_D_ screen, made in the U.S.") == ["LCD", "US"]
    assert join_spelled("an L_C_D_ screen") == "an LCD screen"
    vocabulary = {term(w) for w in spelled_acronyms("the L_C_D_ screen")}
    assert unknown_names("What did they decide about the LCD?", vocabulary) == []


def test_known_names_leave_out_speakers_directions_and_unknown_names():
    vocabulary = {term(w) for w in ["Russia", "Istanbul", "Rutte", "North"]}
    question = "Did Rutte discuss Russia, Istanbul, Iran and the North?"
    assert known_names(question, vocabulary, ["Mark Rutte"]) == names("russ", "ista")


def names(*terms: str) -> set[frozenset[frozenset[str]]]:
    """Names held by one key each."""
    return {frozenset({frozenset({t})}) for t in terms}


def test_names_together_at_is_the_rank_of_the_first_passage_holding_all():
    hits = [hit("Russia sends a delegation."), hit("Russia talks in Istanbul.", line=2)]
    assert names_together_at(names("russ", "ista"), hits) == 2
    assert names_together_at(names("russ", "kore"), hits) is None
    assert names_together_at(names("russ"), hits) == 0  # one name relates nothing
    # the speaker counts: "What did Rutte say about Russia?" is about Rutte's own turns
    assert names_together_at(names("russ", "rutt"), hits) == 1


def test_an_acronym_and_the_words_it_stands_for_name_the_same_thing():
    vocabulary = {term(w) for w in ["US", "United", "States", "Ukraine", "NTSB"]}
    spelt_out = [hit("We help Ukraine."), hit("The United States is focused on peace for Ukraine.", line=2)]
    short = [hit("We help Ukraine."), hit("The US is focused on peace for Ukraine.", line=2)]
    for question in ["Who in the US administration works on Ukraine?", "What does the United States do for Ukraine?"]:
        asked = known_names(question, vocabulary, [])
        assert names_together_at(asked, spelt_out) == 2, question
        assert names_together_at(asked, short) == 2, question
    # the pronoun "us" stands for no "United States"
    asked = known_names("What does the United States do for Ukraine?", vocabulary, [])
    assert names_together_at(asked, [hit("Ukraine asks us for help.")]) is None
    # "of" may stand inside a run; punctuation and a possessive end one
    assert "#r:aar" in name_keys("the Association of American Railroads said")
    assert {"#r:aarn", "#r:aarnt"}.isdisjoint(name_keys("American Railroads, NATO, NTSB"))
    assert {"#r:ar", "#w:nato", "#w:ntsb", "#w:us"} <= name_keys("American Railroads, NATO, NTSB, the U.S.")
    assert "#r:ru" not in name_keys("Rutte's Ukraine remarks")
    # the pronoun "us" is no "US"; two runs never match by their initials
    asked = known_names("What did the US say about Ukraine?", vocabulary, [])
    assert names_together_at(asked, [hit("Let us be clear about Ukraine.")]) is None
    putin = known_names("Did they discuss Vladimir Putin and Ukraine?", vocabulary | {"vlad", "puti"}, [])
    assert names_together_at(putin, [hit("The Vice President spoke of Ukraine.")]) is None
    # a question's first word is capitalised as any sentence's: "Russia Ukraine" is no run
    assert known_names("Russia Ukraine talks: who came?", vocabulary, []) == names("ukra")


def test_a_run_of_capitalised_words_is_one_name_and_a_speakers_first_name_is_theirs():
    vocabulary = {term(w) for w in ["Howard", "Lim", "Carver", "Avenue", "Main", "Street"]}
    # "Carver Avenue" alone is one name: there is nothing to find it together with
    one = known_names("What did Howard Lim tell the council about the Carver Avenue plan?", vocabulary, ["MR. LIM"])
    assert len(one) == 1
    assert names_together_at(one, [hit("Carver Avenue needs a loading zone.")]) == 0
    two = known_names("Did Lim compare Carver Avenue with Main Street?", vocabulary, ["MR. LIM"])
    hits = [hit("Carver Avenue is busy."), hit("Main Street and Carver Avenue meet here.", line=2)]
    assert names_together_at(two, hits) == 2
    assert names_together_at(two, [hit("Main Street and Carver are busy.")]) is None  # "Avenue" missing
    # only a speaker's own name claims the words beside it, not a title: "President Putin" stays
    putin = known_names("What did Biden say about President Putin?", {"pres", "puti", "bide"}, ["PRESIDENT BIDEN"])
    assert putin and all(any("puti" in keys for keys in name) for name in putin)


def test_name_similarities_compare_with_the_capitalised_words_of_the_hits():
    hits = [hit("China builds up. the iran word in lower case does not count")]
    sims = name_similarities(["Beijing", "Iran"], hits, SynonymEmbedder())
    assert np.isclose(sims[0], 1.0) and sims[1] < 0.5
    assert name_similarities(["Iran"], [hit("no names here at all", speaker="")], SynonymEmbedder()) == [-1.0]


def test_measure_records_every_signal():
    corpus = Corpus(["China builds up.", "Russia talks in Istanbul."])
    hits = [hit("China builds up.", 0.4), hit("Russia talks in Istanbul.", 0.6, line=2)]
    signals = measure("How big is Beijing's arsenal, and did Russia meet in Istanbul?", hits, corpus, SynonymEmbedder())
    assert signals.best_score == 0.6  # the best of all hits, not the first
    assert [name for name, _ in signals.unknown_names] == ["Beijing"]
    assert np.isclose(signals.unknown_names[0][1], 1.0)
    assert signals.names_together_at == 2
    assert signals.foreign_script is None
    assert measure("anything", [], corpus, SynonymEmbedder()) == AbstentionSignals(best_score=-1.0)


def test_a_question_in_a_script_the_transcripts_never_use_is_declined():
    corpus = Corpus(["China builds up.", "Russia talks in Istanbul."])
    hits = [hit("China builds up.", 0.5)]
    russian = measure("Что сказал Рютте о Китае?", hits, corpus, BagOfWordsEmbedder())
    assert russian.foreign_script == "CYRILLIC"
    reason = decline_reason(russian, AbstentionThresholds(-1.0, -1.0, 0))
    assert "written in Cyrillic letters, which the transcripts never use" in reason
    assert decline_reason(russian, ALL_OFF) is None  # check_script off
    assert foreign_script("中国说了什么？", corpus.vocabulary) == "CJK"
    # Japanese mixes three scripts, none of them a majority alone
    assert foreign_script("ウクライナ支援の予算は？", corpus.vocabulary) in {"KATAKANA", "CJK", "HIRAGANA"}
    # full-width Latin, as a CJK input method types it, is Latin
    assert foreign_script("Ｗｈａｔ ａｂｏｕｔ ｔｈｅ ａｒｓｅｎａｌ？", corpus.vocabulary) is None
    # English sharing no word with the corpus is a paraphrase, not another language
    assert foreign_script("How large is Beijing's arsenal?", corpus.vocabulary) is None
    # one word the corpus holds is enough ("Rutte" in a German or a mixed question)
    assert foreign_script("Что сказал Rutte о Китае?", corpus.vocabulary | {term("Rutte")}) is None
    assert foreign_script("Что сказал Рютте?", corpus.vocabulary | {term("Рютте")}) is None
    # a corpus that has the script (a Russian transcript) is asked in its own language
    assert foreign_script("Что сказал министр?", corpus.vocabulary | {"бюдж"}) is None
    # a follow-up is read with its context; letters only count ("2030?" is no script)
    assert measure("А он?", hits, corpus, BagOfWordsEmbedder(), searched="А он? China").foreign_script is None
    assert foreign_script("2030?", corpus.vocabulary) is None


def test_signals_read_the_first_hits_only_however_many_were_asked_for():
    # `rag eval` asks for 10 hits, users for 5: the decision must not depend on it
    corpus = Corpus(["China builds up.", "Russia talks in Istanbul."])
    first = [hit("China builds up.", 0.2, line=n) for n in range(1, SIGNAL_HITS + 1)]
    more = [*first, hit("Russia talks in Istanbul.", 0.9, line=99)]
    question = "Did Russia and China meet in Istanbul?"
    assert measure(question, more, corpus, BagOfWordsEmbedder()) == measure(
        question, first, corpus, BagOfWordsEmbedder()
    )


def test_each_threshold_declines_on_its_own():
    far = AbstentionSignals(best_score=0.6, unknown_names=(("Iran", 0.3),))
    assert decline_reason(far, ALL_OFF) is None
    assert "“Iran”" in decline_reason(far, AbstentionThresholds(-1.0, 0.4, 0))
    assert decline_reason(far, AbstentionThresholds(-1.0, 0.3, 0)) is None  # not below: a paraphrase
    apart = AbstentionSignals(best_score=0.6, names_together_at=4)
    assert decline_reason(apart, AbstentionThresholds(-1.0, -1.0, 5)) is None
    assert "together" in decline_reason(apart, AbstentionThresholds(-1.0, -1.0, 3))
    never = AbstentionSignals(best_score=0.6, names_together_at=None)
    assert "together" in decline_reason(never, AbstentionThresholds(-1.0, -1.0, 10))
    weak = AbstentionSignals(best_score=0.2)
    assert "0.20 < 0.30" in decline_reason(weak, AbstentionThresholds(0.3, -1.0, 0))
    assert decline_reason(AbstentionSignals(best_score=-1.0), ALL_OFF) == "no passage matches the question"


def test_measure_then_decide():
    corpus = Corpus(["China builds up."])
    hits = [hit("China builds up.", 0.5)]
    strict = AbstentionThresholds(0.3, 0.45, 5)
    assert decline_reason(measure("How big is Beijing's arsenal?", hits, corpus, SynonymEmbedder()), strict) is None
    assert "Iran" in decline_reason(measure("How big is Iran's arsenal?", hits, corpus, SynonymEmbedder()), strict)


def quoting(*quotes: str) -> Answer:
    cites = tuple(Citation("d", n, n, "Mark Rutte", q) for n, q in enumerate(quotes, 1))
    return Answer(" ".join(quotes), cites, False)


def test_a_quantity_question_needs_a_number_in_the_quotes():
    ask = "How many Eurofighters does Türkiye plan to purchase?"
    assert quantity_unstated(ask, quoting("Türkiye is in talks to purchase Eurofighters."))
    assert quantity_unstated(ask, quoting("It is acquiring F-35s and G7 partners agree."))  # names, not figures
    assert quantity_unstated("How much does it cost?", quoting("It costs much more now."))
    for figure in ("forty Eurofighters", "a thousand warheads", "2% of GDP", "$5 billion", "eighteen jets", "half"):
        assert not quantity_unstated(ask, quoting("Talks go on.", f"They want {figure}.")), figure  # any quote
    assert not quantity_unstated("Which jets will Türkiye buy?", quoting("Türkiye wants Eurofighters."))
    assert not quantity_unstated(ask, quoting())  # nothing quoted: nothing to judge
    assert not quantity_unstated(ask, Answer("declined", (), True))
    assert quantity_unstated(ask, quoting("The canteen is fourteenth in line."))  # number words only whole


def test_a_year_or_a_day_of_the_month_is_no_count_unless_the_question_counts_time():
    trucks = "How many trucks does Northwind operate?"
    for dated in (
        "Welcome to the Northwind Logistics third quarter 2025 earnings call.",
        "In 2024 Northwind bought its Columbus site.",
        "The call took place on October 23.",
        "It was signed on 4 April in Washington.",
        "The call took place on October 23, 2025.",
        "It closed on 23 October 2025.",
        "Welcome to the Q3 2025 earnings call.",
        "ON OCTOBER 23 WE BOUGHT THE SITE.",
        "In 2024 this site opened.",
    ):
        assert quantity_unstated(trucks, quoting(dated)), dated
    for counted in (
        "Northwind runs 2000 trucks.",
        "About 2000 people attended.",  # a bare figure counts
        "After 2000 layoffs, the plant reopened.",
        "We think 3 may close.",  # "may" is no month
        "Northwind has a fleet of 2000.",
        "We grew the fleet by 1900.",
        "Since 2019 we have run 40 trucks.",
        "We paid $2025.",
    ):
        assert not quantity_unstated(trucks, quoting(counted)), counted
    assert not quantity_unstated("How many years has NATO trained them?", quoting("We have trained them since 2014."))


def test_the_quantity_signal_is_read_from_the_answer_and_can_be_switched_off():
    corpus = Corpus(["Türkiye is in talks to purchase Eurofighters."])
    hits = [hit("Türkiye is in talks to purchase Eurofighters.", 0.6)]
    ask = "How many Eurofighters does Türkiye plan to purchase?"
    answer = quoting("Türkiye is in talks to purchase Eurofighters.")
    assert not measure(ask, hits, corpus, BagOfWordsEmbedder()).quantity_unstated  # before any answer
    signals = read_answer(measure(ask, hits, corpus, BagOfWordsEmbedder()), ask, answer)
    assert signals.quantity_unstated
    assert "how many or how much" in decline_reason(signals, AbstentionThresholds(-1.0, -1.0, 0))
    assert decline_reason(signals, ALL_OFF) is None
