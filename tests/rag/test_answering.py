from rag.answering import ExtractiveAnswerer, asks_who_asked, compose, questions_of, quoted_first, shared_words
from rag.records import Answer, Citation, Hit, Passage
from tests.fakes import BagOfWordsEmbedder


def hit(text: str, line_start: int, score: float = 0.5, speaker: str = "Mark Rutte") -> Hit:
    line_end = line_start + text.count("\n")
    return Hit(Passage("doc", f"doc:{line_start}-{line_end}#0", speaker, line_start, line_end, text), score)


def test_quotes_the_sentence_that_answers():
    text = "Russia is the long-term threat. They will have a thousand nuclear warheads by the end of the decade. And terrorism."
    answer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=1).answer(
        "how many nuclear warheads by the end of the decade", [hit(text, 117)]
    )
    assert [c.quote for c in answer.citations] == [
        "They will have a thousand nuclear warheads by the end of the decade."
    ]
    assert answer.text == "Mark Rutte: “They will have a thousand nuclear warheads by the end of the decade.” [1]"


def test_a_quote_takes_the_next_sentence_when_it_points_back():
    text = (
        "We repeat that China is rapidly building up its armed forces. "
        "They will have a thousand nuclear warheads by the end of the decade. And terrorism is a core task."
    )
    answerer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=2)
    quotes = [
        c.quote for c in answerer.answer("what about China building up its armed forces", [hit(text, 117)]).citations
    ]
    assert quotes[0] == (
        "We repeat that China is rapidly building up its armed forces. "
        "They will have a thousand nuclear warheads by the end of the decade."
    )
    assert all("They will have" not in q for q in quotes[1:])  # not quoted twice
    # "And terrorism ..." points at nothing before it: a quote of its own or none
    quotes = [
        c.quote for c in answerer.answer("what about warheads by the end of the decade", [hit(text, 117)]).citations
    ]
    assert quotes[0] == "They will have a thousand nuclear warheads by the end of the decade."


def test_a_quote_ending_its_passage_is_continued_by_the_next_passage_of_its_line():
    # a long line is cut into passages; the sentence pointing back opens the next one
    first = Passage("doc", "doc:117-117#1", "Mark Rutte", 117, 117, "We repeat that China is building up its forces.")
    second = Passage(
        "doc", "doc:117-117#2", "Mark Rutte", 117, 117, "They will have a thousand warheads. Also terrorism."
    )
    other = Passage("doc", "doc:119-119#0", "Mark Rutte", 119, 119, "They will meet in June. Also terrorism.")
    answerer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=2)
    answer = answerer.answer("what about China building up its forces", [Hit(first, 0.6, (first, second))])
    assert [c.quote for c in answer.citations] == [first.text, "They will have a thousand warheads."]
    assert answer.text == (
        "Mark Rutte: “We repeat that China is building up its forces.” [1] “They will have a thousand warheads.” [2]"
    )
    # another line (a new paragraph, or a meeting's next turn) is not a continuation
    answer = answerer.answer("what about China building up its forces", [Hit(first, 0.6, (first, other))])
    assert [c.quote for c in answer.citations] == [first.text]


def test_quote_on_second_line_of_a_passage_cites_that_line():
    text = "First line about budgets.\nThe centre opens in March with instructors."
    answer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=1).answer("when does the centre open", [hit(text, 40)])
    c = answer.citations[0]
    assert (c.line_start, c.line_end) == (41, 41)


def test_quotes_are_in_transcript_order_and_at_most_max_quotes():
    hits = [
        hit("The centre opens in March.", 24, 0.9, "Jane"),
        hit("The centre has two hundred instructors in March.", 17, 0.85, "Jane"),
    ]
    answer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=2).answer("centre March", hits)
    assert 1 <= len(answer.citations) <= 2
    assert answer.citations[0].line_start == 24


def test_compose_groups_consecutive_quotes_of_one_speaker():
    cites = [
        Citation("d", 1, 1, "A", "One."),
        Citation("d", 2, 2, "A", "Two\nlines."),
        Citation("d", 5, 5, "B", "Three."),
    ]
    assert compose(cites) == "A: “One.” [1] “Two lines.” [2]\nB: “Three.” [3]"


def test_replies_are_preferred_to_questions_unless_asked_who_asked():
    hits = [
        hit("Will the target rise next year?", 14, 0.6, "Ali Kaya"),
        hit("The target will rise next year.", 17, 0.6, "Jane"),
    ]
    answerer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=1)
    assert answerer.answer("will the target rise next year", hits).citations[0].speaker == "Jane"
    assert answerer.answer("who asked whether the target will rise next year", hits).citations[0].speaker == "Ali Kaya"


def test_asks_who_asked():
    assert asks_who_asked("Which journalist asked about the IP4?")
    assert asks_who_asked("What was the questioning about the reports on care homes?")
    assert not asks_who_asked("What did Rutte say about China?")


def test_without_sentences_whole_passages_are_quoted(fake_embedder):
    passage = Passage(
        "d", "d:3-4#0", "Jane Doe", 3, 4, "Yes. Allies agreed to aim for three percent.\nIt was unanimous."
    )
    whole = ExtractiveAnswerer(fake_embedder, sentences=False).answer("three percent", [Hit(passage, 0.5)])
    assert [(c.line_start, c.line_end, c.quote) for c in whole.citations] == [(3, 4, passage.text)]
    best = ExtractiveAnswerer(fake_embedder).answer("three percent", [Hit(passage, 0.5)])
    assert best.citations[0].quote == "Allies agreed to aim for three percent."


def test_quotes_may_come_from_the_exchange_each_cited_with_its_own_speaker(fake_embedder):
    asked = Passage("d", "d:3-3#0", "Ali Kaya", 3, 3, "Why did the budget grow?")
    reply = Passage("d", "d:5-6#0", "Jane Doe", 5, 6, "Because Allies agreed.\nThe budget grew by three percent.")
    hit = Hit(asked, 0.5, context=(asked, reply))
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("budget grew by three percent", [hit])
    assert [(c.line_start, c.speaker, c.quote) for c in answer.citations] == [
        (6, "Jane Doe", "The budget grew by three percent.")
    ]


def test_the_hits_own_sentences_outweigh_its_exchanges(fake_embedder):
    own = Passage("d", "d:3-3#0", "Jane Doe", 3, 3, "The budget grew.")
    around = Passage("d", "d:5-5#0", "Jane Doe", 5, 5, "The budget grew.")
    hit = Hit(own, 0.5, context=(own, around))
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("the budget grew", [hit])
    assert answer.citations[0].line_start == 3


def test_shared_words_weights_the_rarer_words_of_the_question():
    sentences = ["The Allies spend more.", "The Allies agreed on Ukraine.", "Nothing here."]
    shares = shared_words("Did the Allies spend on Ukraine?", sentences)
    # "ukraine" and "spend" are each in one sentence, "alli" in two: each sentence holding
    # one rare word and the common one scores alike, above the one holding none
    assert shares[0] == shares[1] > shares[2] == 0.0
    assert shared_words("spending", ["Allies spend."]) == [1.0]  # stems match
    assert shared_words("the of", ["the of"]) == [0.0]  # stop words only: nothing to share


def test_the_sentence_holding_the_questions_words_is_quoted_first(fake_embedder):
    # The embedding (bag of words here) counts "how" and "are" twice in the first sentence;
    # only the second holds "spend", a stem of the question's rarer word.
    text = "How are the allies, how are they. Allies spend more."
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("How are allies spending", [hit(text, 15)])
    assert answer.citations[0].quote == "Allies spend more."


def test_a_second_quote_comes_from_the_first_quotes_exchange_only(fake_embedder):
    # Two places say the same; quoting both would cite a line that answers something else.
    first = hit("The centre opens in March.", 24, 0.9)
    elsewhere = hit("In March the centre opens.", 60, 0.9)
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=2).answer("When does the centre open?", [first, elsewhere])
    assert len(answer.citations) == 1
    # within one exchange both sentences may be quoted
    together = hit("The centre opens in March. In March the centre opens.", 24, 0.9)
    assert (
        len(ExtractiveAnswerer(fake_embedder, max_quotes=2).answer("When does the centre open?", [together]).citations)
        == 2
    )


def exchange(asked: str, reply: str, *, hit_on_reply: bool = False) -> Hit:
    """Ali Kaya asks on line 3, Jane Doe replies on line 5; the hit is the question unless told."""
    question = Passage("d", "d:3-3#0", "Ali Kaya", 3, 3, asked)
    answer = Passage("d", "d:5-5#0", "Jane Doe", 5, 5, reply)
    return Hit(answer if hit_on_reply else question, 0.5, context=(question, answer))


def test_a_question_that_wins_is_answered_by_its_reply(fake_embedder):
    # The journalist's question matches the user's best; the reply says little like it.
    hit = exchange(
        "Did Allies invite Japan to the summit in June?", "There are no announcements yet.", hit_on_reply=True
    )
    answerer = ExtractiveAnswerer(fake_embedder, max_quotes=2)
    answer = answerer.answer("Did Allies invite Japan to the summit in June?", [hit])
    assert [(c.speaker, c.line_start) for c in answer.citations] == [("Jane Doe", 5)]  # the answer lines
    # asked who asked, the question alone answers
    who = answerer.answer("Who asked whether Allies invite Japan to the summit in June?", [hit])
    assert [c.speaker for c in who.citations] == ["Ali Kaya"]
    # so does any question asking who: the journalist's own words are the answer
    accused = answerer.answer("Who accused Allies of inviting Japan to the summit in June?", [hit])
    assert [c.speaker for c in accused.citations] == ["Ali Kaya"]


def test_a_reply_sharing_no_word_with_the_users_question_still_answers_it(fake_embedder):
    # The journalist's question is the hit; its reply, in the exchange, shares no word with
    # the user's question, so it was not among the sentences scored.
    question = "Is the Alliance talking to Tallinn about the jet?"
    hit = exchange(question, "Estonia and NATO are in close contact.")
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=2).answer(question, [hit])
    assert [(c.speaker, c.line_start, c.quote) for c in answer.citations] == [
        ("Jane Doe", 5, "Estonia and NATO are in close contact.")
    ]
    # nor when another of its sentences holds one: all of the reply's sentences compete
    question = "Is the Alliance in contact with Tallinn about the jet?"
    hit = exchange(question, "Thanks for the jet question. Yes, it is in touch with the Estonians about the incident.")
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer(question, [hit])
    assert [c.quote for c in answer.citations] == ["Yes, it is in touch with the Estonians about the incident."]


def test_a_who_question_the_reply_answers_quotes_the_reply(fake_embedder):
    hit = exchange("Who will host the summit next year?", "The Netherlands will host it, in The Hague.")
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("Who will host the summit next year?", [hit])
    assert [c.speaker for c in answer.citations] == ["Jane Doe"]


def test_who_asked_quotes_the_asker_not_the_reply_that_repeats_the_words(fake_embedder):
    # The journalist names the topic without a question mark, the reply repeats it word for
    # word, the journalist then asks.
    opening = Passage("d", "d:3-3#0", "Ali Kaya", 3, 3, "A question on the Hague investment pledge.")
    reply = Passage("d", "d:5-5#0", "Jane Doe", 5, 5, "The Hague investment plan, a pledge sounds vague.")
    asked = Passage("d", "d:7-7#0", "Ali Kaya", 7, 7, "Does it need a credible path?")
    hit = Hit(reply, 0.5, context=(opening, reply, asked))
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=2).answer(
        "Who asked about the Hague investment pledge?", [hit]
    )
    assert [c.speaker for c in answer.citations] == ["Ali Kaya"]
    assert answer.citations[0].line_start == 3


def test_a_questions_preamble_is_quoted_as_reluctantly_as_the_question():
    hits = [
        hit("Reports say the target will rise next year. Is that so?", 14, 0.6, "Ali Kaya"),
        hit("The target will rise next year, Allies agreed.", 17, 0.6, "Jane"),
    ]  # the preamble and the reply are equally close to the user's question
    answer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=1).answer("Will the target rise next year?", hits)
    assert answer.citations[0].speaker == "Jane"


def test_a_long_questions_preamble_in_a_passage_of_its_own_is_answered_by_the_reply(fake_embedder):
    # A long question is cut into passages: the preamble holds no question mark.
    preamble = Passage("d", "d:3-3#0", "Ali Kaya", 3, 3, "Reports say the target will rise next year.")
    asked = Passage("d", "d:3-3#1", "Ali Kaya", 3, 3, "How do you see it?")
    reply = Passage("d", "d:5-5#0", "Jane Doe", 5, 5, "Allies agreed the target will rise.")
    hit = Hit(preamble, 0.5, context=(preamble, asked, reply))
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("Will the target rise next year?", [hit])
    assert [(c.speaker, c.line_start) for c in answer.citations] == [("Jane Doe", 5)]


def test_questions_of_takes_the_passage_before_a_question_by_the_same_speaker():
    def passage(pid: str, speaker: str, text: str) -> Passage:
        return Passage("d", pid, speaker, 3, 3, text)

    units = [
        (0, passage("a", "Jane Doe", "We met today.")),
        (0, passage("b", "Ali Kaya", "Reports say the target will rise.")),
        (0, passage("c", "Ali Kaya", "Is that so?")),
        (1, passage("d", "Ali Kaya", "A second question then.")),  # another hit's exchange
        (1, passage("e", "Jane Doe", "Really?")),  # by someone else than the passage before
        (2, passage("f", "Jane Doe", "The budget grew.")),
        (3, passage("g", "Jane Doe", "Any questions?")),  # the passage before is another hit's
    ]
    assert questions_of(units) == {"b", "c", "e", "g"}
    # only the passage just before the question: a long turn ending "..., right?" is no
    # question throughout
    run = [
        (0, passage(pid, "Ali Kaya", text)) for pid, text in (("x", "We met."), ("y", "Costs rose."), ("z", "Right?"))
    ]
    assert questions_of(run) == {"y", "z"}


def test_an_answer_that_asks_back_is_still_an_answer(fake_embedder):
    # Jane replies to Ali's question, then asks back: her reply is no preamble of a question.
    asked = Passage("d", "d:1-1#0", "Ali Kaya", 1, 1, "Will the spending target rise next year?")
    reply = Passage("d", "d:3-3#0", "Jane Doe", 3, 3, "Allies agreed the spending target will rise next year.")
    back = Passage("d", "d:3-3#1", "Jane Doe", 3, 3, "Does that answer it?")
    thanks = Passage("d", "d:5-5#0", "Ali Kaya", 5, 5, "Yes, thanks, that is clear enough for our readers.")
    hit = Hit(reply, 0.5, context=(asked, reply, back, thanks))
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=2).answer(
        "Did Allies agree the spending target will rise?", [hit]
    )
    assert [(c.speaker, c.line_start) for c in answer.citations] == [("Jane Doe", 3)]


def test_a_preamble_without_its_reply_is_weighed_down_like_a_question(fake_embedder):
    # No reply in the preamble's exchange to quote instead: another place's answer wins.
    preamble = Passage("d", "d:3-3#0", "Ali Kaya", 3, 3, "Reports say the target will rise next year.")
    asked = Passage("d", "d:3-3#1", "Ali Kaya", 3, 3, "How do you see it?")
    answer_there = Passage("d", "d:9-9#0", "Jane Doe", 9, 9, "The target will rise next year, as Allies agreed.")
    hits = [Hit(preamble, 0.5, context=(preamble, asked)), Hit(answer_there, 0.5, context=(answer_there,))]
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("Will the target rise next year?", hits)
    assert [(c.speaker, c.line_start) for c in answer.citations] == [("Jane Doe", 9)]


def test_a_reply_quoted_for_its_question_is_not_followed_by_the_preamble(fake_embedder):
    # The preamble's first sentence wins, its reply is quoted instead, and its second
    # sentence, as close to the user's question, is no further quote.
    text = "Reports say the target will rise next year. Others say the target will rise next year too."
    preamble = Passage("d", "d:3-3#0", "Ali Kaya", 3, 3, text)
    asked = Passage("d", "d:3-3#1", "Ali Kaya", 3, 3, "How do you see it?")
    reply = Passage("d", "d:5-5#0", "Jane Doe", 5, 5, "Yes, Allies agreed on that.")
    hit = Hit(preamble, 0.5, context=(preamble, asked, reply))
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=2).answer("Will the target rise next year?", [hit])
    assert [(c.speaker, c.quote) for c in answer.citations] == [("Jane Doe", "Yes, Allies agreed on that.")]


def test_a_short_sentence_with_few_content_words_is_quoted_when_it_answers(fake_embedder):
    # Two content words in seven: a statement, not a fragment such as "Yeah , OK ."
    question = "Is the aid about fuelling the war?"
    text = "This is not about fuelling the war. The war went on for years."
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer(question, [hit(text, 49)])
    assert [c.quote for c in answer.citations] == ["This is not about fuelling the war."]
    # the same two content words in a fragment weigh half, and the other sentence wins
    text = "Fuelling war . The war went on for years."
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer(question, [hit(text, 49)])
    assert [c.quote for c in answer.citations] == ["The war went on for years."]
    # as do fillers, however long: one content word, or the same few words again
    text = "Yeah , yeah , the war , yeah , the war . The war went on for years."
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer(question, [hit(text, 49)])
    assert [c.quote for c in answer.citations] == ["The war went on for years."]


def test_with_exchanges_the_first_two_hits_compete_without_them_three(fake_embedder):
    def place(text: str, line: int, with_exchange: bool) -> Hit:
        h = hit(text, line, 0.5)
        return Hit(h.passage, h.score, context=(h.passage,) if with_exchange else ())

    for with_exchange, third_quoted in ((True, False), (False, True)):
        hits = [
            place("Budgets were reviewed today.", 10, with_exchange),
            place("Allies met in Antalya.", 20, with_exchange),
            place("The centre opens in March with instructors.", 30, with_exchange),
        ]
        answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("When does the centre open?", hits)
        assert (answer.citations[0].line_start == 30) is third_quoted


def test_quoted_first_moves_the_hit_holding_the_first_quote_to_the_front():
    summit, opening, budget = (
        hit("The Hague summit.", 127),
        hit("Six weeks from now.\nIn the Hague.", 16),
        hit("2%.", 30),
    )
    exchange = Hit(opening.passage, opening.score, context=(hit("Thank you.", 15).passage, opening.passage))

    def quoting(line: int) -> Answer:
        return Answer("", (Citation("doc", line, line, "Mark Rutte", "x"),), False)

    assert quoted_first([summit, opening, budget], quoting(17)) == [opening, summit, budget]
    # a quote from the hit's exchange counts as the hit's
    assert quoted_first([summit, exchange, budget], quoting(15)) == [exchange, summit, budget]
    # already first, quoted nowhere in the hits, or no quote at all: the order stays
    assert quoted_first([summit, opening], quoting(127)) == [summit, opening]
    assert quoted_first([summit, opening], quoting(90)) == [summit, opening]
    assert quoted_first([summit, opening], Answer("", (), True)) == [summit, opening]


def test_asked_when_the_sentence_stating_a_time_is_quoted():
    # the second sentence is the first with a time added: on words alone the first wins
    text = "Allies take formal decisions on spending soon.\nAllies take formal decisions on spending next month."
    answerer = ExtractiveAnswerer(BagOfWordsEmbedder(), max_quotes=1)
    asked_when = answerer.answer("When will Allies take the formal decisions on spending?", [hit(text, 33)])
    assert asked_when.citations[0].line_start == 34
    asked_what = answerer.answer("Will Allies take the formal decisions on spending?", [hit(text, 33)])
    assert asked_what.citations[0].line_start == 33


def test_a_sentence_saying_the_asked_about_speakers_name_is_not_more_of_an_answer(fake_embedder):
    # An interview: the host introduces the guest by name, then asks what the question asks.
    said = [
        ("Host", "Joining me is Ana Ruiz, who has studied the loss of coral reefs for years."),
        ("Ana Ruiz", "Thanks for having me. Reefs have lost half their coral cover."),
        ("Host", "What is driving this loss?"),
        ("Ana Ruiz", "Mostly marine heatwaves and overfishing."),
    ]
    turns = [Passage("pod", f"pod:{n}-{n}#0", who, n, n, text) for n, (who, text) in enumerate(said, 1)]
    hits = [Hit(turns[1], 0.4, context=tuple(turns))]
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=1).answer("What did Ana Ruiz say is driving the loss?", hits)
    assert [(c.speaker, c.line_start) for c in answer.citations] == [("Ana Ruiz", 4)]


def turns_of(*said: tuple[str, str]) -> tuple[Passage, ...]:
    return tuple(Passage("p", f"p:{n}-{n}#0", who, n, n, text) for n, (who, text) in enumerate(said, 1))


def test_asked_what_a_named_speaker_said_their_sentence_is_quoted_not_anothers(fake_embedder):
    turns = turns_of(
        ("Grace Liu", "Erik, will they be allowed to fish?"),
        ("Erik Solberg", "We have offered a compensation fund of 12 million dollars."),
        ("Nadia Haddad", "That fund is less than a third of what is at stake."),
    )
    answerer = ExtractiveAnswerer(fake_embedder, max_quotes=2)
    answer = answerer.answer("What did Nadia Haddad say about the compensation fund?", [Hit(turns[2], 0.4, turns)])
    assert [(c.speaker, c.line_start) for c in answer.citations] == [("Nadia Haddad", 3)]
    # nor when nothing she said comes near the question's
    idle = turns_of(
        ("Grace Liu", "Erik, will they be allowed to fish?"),
        ("Erik Solberg", "We have offered a compensation fund of 12 million dollars."),
        ("Nadia Haddad", "Good morning."),
    )
    answer = answerer.answer("What did Nadia Haddad say about the compensation fund?", [Hit(idle[2], 0.4, idle)])
    assert answer.citations[0].speaker == "Erik Solberg"
    # not asked what she said: the sentence holding the question's words
    answer = answerer.answer("What compensation fund was offered to Nadia Haddad?", [Hit(turns[2], 0.4, turns)])
    assert answer.citations[0].speaker == "Erik Solberg"


def test_asked_what_a_named_speaker_said_their_own_question_is_quoted_not_its_reply(fake_embedder):
    turns = turns_of(
        ("Ike Brennan", "Does altitude explain why I slept badly in Boulder?"),
        ("Sam Achterberg", "Partly. Boulder is about 1,600 meters up."),
    )
    answer = ExtractiveAnswerer(fake_embedder, max_quotes=2).answer(
        "What did Ike Brennan say about Boulder?", [Hit(turns[0], 0.4, turns)]
    )
    assert [(c.speaker, c.line_start) for c in answer.citations] == [("Ike Brennan", 1)]
