"""The extractive answerer, the default: it quotes the sentences that answer, never paraphrases.

Every sentence of the best passages is scored against the question (embedding cosine,
blended with the passage's own retrieval score so context counts, plus the share of the
question's rarer words it holds, plus a little when it states a time and the question asks
when), and the best one is quoted with its speaker and cited by
the lines that hold it, with a second from the same exchange when it scores nearly as well.
A quote is an exact slice of the passage text, which is an exact slice of the file's
lines: quotes are verbatim by construction. Whether to answer at all is decided before,
in rag.abstention.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from embeddings.base import Embedder, Vectors
from rag.answer_types import asks_time, states_time
from rag.records import Answer, Citation, Hit, Passage
from rag.sentences import quotable_spans
from rag.speakers import named_speaker, says_speaking, without_name
from rag.text import MIN_CONTENT_WORDS, content_terms, fold, stemmed_terms, words

NOT_ANSWERED = "The transcripts don't answer this question"


class Answerer(Protocol):
    name: str  # how users choose it: "extractive", "generative"

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer: ...


class AnswerStream(Protocol):
    def __iter__(self) -> Iterator[str]:
        """The answer text so far, each time it grows."""
        ...

    def answer(self) -> Answer:
        """The finished, checked answer (runs the rest of the stream if needed)."""
        ...


@runtime_checkable
class StreamingAnswerer(Protocol):
    """An answerer that can show its answer while writing it (the generative one)."""

    name: str

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer: ...

    def start(self, question: str, hits: Sequence[Hit]) -> AnswerStream: ...


def abstain(reason: str) -> Answer:
    """The plain answer given when the transcripts do not answer a question."""
    return Answer(f"{NOT_ANSWERED}: {reason}.", (), True)


@dataclass(frozen=True, slots=True)
class _Candidate:
    passage: Passage  # a hit's passage or one of its exchange (Hit.context)
    hit: int  # index of the hit whose exchange holds it
    start: int  # character offsets in the passage text
    end: int
    score: float


class ExtractiveAnswerer:
    """Quotes up to `max_quotes` sentences from the top `n_passages` hits, or the top
    N_EXCHANGES when hits bring their exchanges (with `sentences` False, whole passages
    instead: what sentence-level evidence is measured against)."""

    name = "extractive"

    # Weight of the passage's score next to the sentence's own: a sentence such as
    # "They will have a thousand warheads" only makes sense inside its passage.
    PASSAGE_WEIGHT = 0.4
    # Further quotes must score within this margin of the best one.
    MARGIN = 0.06
    # A journalist's question restates the topic, so it resembles the user's question more
    # than the reply does; unless the user asks who asked, questions are quoted reluctantly:
    # every sentence of a passage ending with "?", the preamble too ("According to some
    # report, NATO has decided to invite IP4 ... ?"; qmsum-val citation precision 0.468 ->
    # 0.481, the sample's sets unchanged).
    QUESTION_WEIGHT = 0.8
    # Sentences of the passages around a hit (its exchange) count less than the hit's own:
    # on the sample set, citation precision 0.669 / 0.702 / 0.726 / 0.726 at 1.0 / 0.9 /
    # 0.8 / 0 (the hit's passage alone), recall highest (0.785) at 0.8, when exchanges were
    # new. Measured again with every later step on, hit@1 / citation precision at 0.8 /
    # 0.85 / 0.9 / 0.95 / 1.0: sample 0.908/0.892, 0.908/0.892, 0.923/0.900, 0.923/0.885,
    # 0.923/0.869; held-out 0.712/0.720, 0.731/0.725, 0.731/0.716, 0.731/0.696, 0.731/0.696
    # (abstention 0.825 -> 0.841 from 0.85 on); qmsum-val 0.523/0.500, 0.532/0.504,
    # 0.527/0.500, 0.532/0.504, 0.523/0.496; the calibration set 0.917/0.909 up to 0.95,
    # 0.833/0.818 at 1.0. 0.85 is best on the two sets not tuned on before.
    CONTEXT_WEIGHT = 0.85
    # Sentences embedded per answer, the hits' own first: 8 and 16 gave the same citations
    # on the sample (precision 0.742 / 0.734), and each sentence costs about 1.5 ms. Since
    # ingest stores their vectors (rag/sentence_vectors.py) they cost a lookup; 16 or 40
    # changed no citation on the three press-conference sets, and 8 keeps an index without
    # stored sentences as fast as before.
    MAX_SENTENCES = 8
    # A sentence with few content words is weighed down (0.5) when it is a fragment: fewer
    # than two content words, or fewer than MIN_CONTENT_WORDS in fewer than FRAGMENT_WORDS
    # different words ("Yeah , OK .", "Interface concept .", "I don't know , I don't know
    # ."). "This is not about fuelling the war." (two content words in seven) answers "Is
    # NATO's support for Ukraine meant to fuel the war?". At 4, 5 or 6 words: sample citation
    # precision 0.931 -> 0.938 (that second quote), qmsum-val one quote more (0.538), the
    # other sets unchanged; at 8 nothing changes; with two content words always enough,
    # qmsum-val quoted "Interface concept ." (for two questions) and "Overlapping speech ."
    # before the sentences that answered: citation precision 0.534 (each counting every word;
    # counting different words, 5 gives the same figures).
    FRAGMENT_WORDS = 5
    # Weight of the share of the question's words a sentence holds (Snowball stems, each
    # weighted by its rarity among the candidate sentences; shared_words). The embedding
    # alone takes a sentence on the topic for the one that answers. Citation precision at
    # 0 / 0.6 / 1.0: sample set 0.727 / 0.812 / 0.812, its calibration set 0.818 / 0.909 /
    # 0.909, qmsum-val 0.460 / 0.468 / 0.460; citation recall on the sample 0.723 / 0.792 /
    # 0.792, keyword recall 0.603 / 0.664 / 0.649.
    LEXICAL_WEIGHT = 0.6

    # Added to a sentence that states a time when the question asks when (rag/answer_types.py):
    # held-out set hit@1 0.692 -> 0.712, citation precision 0.700 -> 0.720 at 0.1 and 0.2
    # ("When will Allies take the formal decisions ...?" -> "... in the coming weeks as we
    # prepare formal decisions"); 0.05 changed nothing; the other sets unchanged.
    TIME_WEIGHT = 0.1

    # Hits whose sentences compete for the quote: the first 2 when hits bring their
    # exchanges, else n_passages (3). With exchanges, citation precision 0.781 / 0.844 /
    # 0.812 / 0.828 at 1 / 2 / 3 / 5 hits on the sample set (recall 0.762 / 0.823 / 0.792 /
    # 0.808), 0.818 / 0.909 / 0.909 / 0.909 on its calibration set, 0.464 / 0.485 / 0.481 /
    # 0.473 on qmsum-val: a third exchange lets another place's sentence win on words alone.
    # Without them (--without dialogue) 3 passages beat 2: sample 0.871 / 0.855. Again with
    # every later step on (2026-11-30), hit@1 / citation precision at 1 / 2 / 3 exchanges:
    # sample 0.892/0.869, 0.954/0.938, 0.923/0.892; held-out 0.788/0.790, 0.750/0.780,
    # 0.731/0.735; qmsum-val 0.523/0.500, 0.557/0.538, 0.527/0.513.
    N_EXCHANGES = 2

    # Asked what a named speaker said, their best sentence is quoted instead of another's
    # only when it scores at least this share of the best: "Twelve million over five years
    # is less than a third of what's at stake" (0.44 of the developer's "compensation fund"
    # sentence) answers "What did Nadia Haddad say about the compensation fund?", her "The
    # boats leave at dawn." (0.26) does not. Set on these two; no set question reaches it.
    NAMED_SPEAKER_FLOOR = 0.4

    def __init__(self, embedder: Embedder, *, max_quotes: int = 2, n_passages: int = 3, sentences: bool = True) -> None:
        self.embedder, self.max_quotes, self.n_passages = embedder, max_quotes, n_passages
        self.sentences = sentences

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        if not hits:
            return abstain("no passage matches the question")
        chosen = self._choose(question, hits[: self.N_EXCHANGES if hits[0].context else self.n_passages])
        # best first: the first citation is the one that answers
        citations = [self._cite(c) for c in chosen]
        return Answer(compose(citations), tuple(citations), False)

    def _choose(self, question: str, hits: Sequence[Hit]) -> list[_Candidate]:
        split = quotable_spans if self.sentences else lambda text: [(0, len(text))]
        # every passage of each hit's exchange, scored with the hit: the answer may be the
        # reply after the question that matched, each quote cited with its own speaker
        units = [(i, p) for i, h in enumerate(hits) for p in h.passages]
        cores = [h.passage for h in hits]
        # The words that count for the share of the question a sentence holds: not the name
        # of a speaker it asks about, which chose whose turns answer (rag/speakers.py). An
        # interview's host saying "Joining me is Ana Ruiz, who studied the loss of reefs" was
        # quoted for "What did Ana Ruiz say is driving the loss?". Embedding the question
        # without the name too: sample hit@1 0.954 -> 0.938, held-out 0.750 -> 0.731.
        named = named_speaker(question, sorted({p.speaker for _, p in units if p.speaker}))
        speaks = named is not None and says_speaking(question, named)  # "What did Nadia Haddad say ...?"
        worded = question if named is None else without_name(question, named, any_case=speaks)
        asked = content_terms(worded)
        own = [(unit, s, e) for unit, (_, p) in enumerate(units) if p in cores for s, e in split(p.text)]
        # Of the exchanges, the sentences sharing most words with the question, at most
        # MAX_SENTENCES in all: embedding every sentence around the hits was most of an
        # answer's time on a large corpus (116 ms at 100k passages).
        around = [
            (len(asked & content_terms(p.text[s:e])), unit, s, e)
            for unit, (_, p) in enumerate(units)
            if p not in cores
            for s, e in split(p.text)
        ]
        around = sorted((a for a in around if a[0]), key=lambda a: (-a[0], a[1]))
        spans = own + sorted((unit, s, e) for _, unit, s, e in around[: max(0, self.MAX_SENTENCES - len(own))])
        wants_question = asks_who_asked(question)
        # Who asked: the speakers whose passages in these exchanges ask something. The reply
        # often repeats the question's words ("Who asked about the Hague investment pledge?"
        # quoted Rutte's "The Hague investment plan ... a pledge sounds a bit vague"), so
        # everyone else's sentences are weighed down by QUESTION_WEIGHT (as questions are
        # when the user does not ask who asked) and never quoted after the asker's.
        # Held-out set citation precision 0.520 -> 0.541, the other sets unchanged.
        asking = questions_of(units)
        askers = {p.speaker for _, p in units if p.passage_id in asking} if wants_question else set()
        scorer = _QuoteScorer(self, question, worded, hits, units, wants_question, askers, asking)
        candidates = sorted(scorer.score(spans), key=lambda c: -c.score)
        best = candidates[0]
        # Asked what a named speaker said ("What did Nadia Haddad say about the fund?"), the
        # answer is a sentence of theirs, not another speaker's statement in the exchange
        # holding more of the question's words (the developer's "We have offered a
        # compensation fund ..."); a question of theirs that wins is quoted, not its reply
        # ("What did Ike say about Boulder?" -> his "Does that explain why I slept terribly in
        # Boulder ...?").
        # Another's question that wins is still answered by its reply. With the name left
        # out of the words shared (above), every figure of the four sets is unchanged: 5 of
        # their 407 answers change a quote (qmsum-val), none whether its first is gold.
        if speaks and best.passage.speaker != named and best.passage.passage_id not in asking:
            theirs = next((c for c in candidates if c.passage.speaker == named), best)
            best = theirs if theirs.score >= self.NAMED_SPEAKER_FLOOR * best.score else best
        # A question that wins is answered by its reply (below), unless the user asks who
        # asked, or who said or did what it says ("Who accused NATO of playing smoke and
        # mirrors ...?" is answered by the journalist's own words).
        by_reply = (
            best.passage.passage_id in asking
            and not wants_question
            and not _WHO_SAID.match(question)
            and not (speaks and best.passage.speaker == named)
        )
        if by_reply:
            # Only the reply's sentences holding a word of the question were scored; the
            # one that answers may hold none ("Is the Alliance talking to Tallinn about the
            # Russian jet episode?" -> "NATO and Estonia are in close contact"): the rest are
            # scored now. Held-out citation precision 0.725 -> 0.745, qmsum-val 0.504 ->
            # 0.508, the sample's sets unchanged.
            unscored = [
                (unit, s, e)
                for unit, (hit, p) in enumerate(units)
                if _in_reply(hit, p, best)
                for s, e in split(p.text)
                if (unit, s, e) not in spans
            ][: self.MAX_SENTENCES]
            if unscored:
                candidates = sorted(candidates + scorer.score(unscored), key=lambda c: -c.score)
        # Further quotes come from the same exchange as the best: another place in the
        # transcripts is another answer, which the hits show, not a second quote of this one.
        # Citation precision 0.766 -> 0.812 on the sample set (recall 0.823 -> 0.792), 0.864
        # -> 0.909 on its calibration set, 0.479 -> 0.468 on qmsum-val's long gold ranges.
        further = [c for c in candidates if c is not best and c.hit == best.hit and c.score >= best.score - self.MARGIN]
        if askers:  # who asked: the question, not what was said around it
            further = [c for c in further if c.passage.speaker in askers]
        if speaks:  # what they said: their sentences
            further = [c for c in further if c.passage.speaker == named]
        # A question that wins is answered by its reply: the best sentence of the reply is
        # quoted instead, whatever its score, and no question after it. The question names
        # the topic, the reply answers ("Did Rutte confirm that IP4 leaders were invited?"
        # matching the journalist's question, answered by "There are no announcements ...
        # about invitees"); answers cite the answer lines, and the source card shows the
        # question before them (rag/sources.py). Quoting the question, then its reply, as
        # before: sample set citation precision 0.892 -> 0.885, held-out 0.700 -> 0.690,
        # qmsum-val 0.500 either way (recall 0.030 -> 0.033); keyword recall unchanged.
        if by_reply:
            reply = [c for c in candidates if _in_reply(c.hit, c.passage, best)]
            if reply:
                best = reply[0]
                further = [c for c in further if c is not best and c.passage.passage_id not in asking]
        # A quote goes on with the sentence after it when that one points back to it, in its
        # passage or opening the next passage of its line (a long line is cut into passages).
        best, more = _continued(best, units, split)
        quotes = [best] if more is None else [best, more]
        further = [*quotes[1:], *(c for c in further if not any(_overlap(c, q) for q in quotes))]
        return [best, *further][: self.max_quotes]

    @staticmethod
    def _cite(candidate: _Candidate) -> Citation:
        p = candidate.passage
        line_start = p.line_start + p.text.count("\n", 0, candidate.start)
        line_end = p.line_start + p.text.count("\n", 0, candidate.end)
        return Citation.of(p, line_start, line_end, p.text[candidate.start : candidate.end])


@dataclass
class _QuoteScorer:
    """Scores sentences of the hits' exchanges as quotes for one question, with the
    answerer's weights; every sentence it scored counts for the rarity of words."""

    answerer: ExtractiveAnswerer
    question: str
    worded: str  # the question's words counted in the share a sentence holds (_choose)
    hits: Sequence[Hit]
    units: list[tuple[int, Passage]]  # (hit, passage) of every passage of the exchanges
    wants_question: bool
    askers: set[str]
    asking: set[str]  # ids of the passages that ask (questions_of)
    texts: list[str] = field(default_factory=list, init=False)  # every sentence scored so far
    query: Vectors = field(init=False)
    cores: list[Passage] = field(init=False)  # the hits' own passages
    asks_when: bool = field(init=False)

    def __post_init__(self) -> None:
        self.query = self.answerer.embedder.embed_query(self.question)
        self.cores = [h.passage for h in self.hits]
        self.asks_when = asks_time(self.question)

    def score(self, spans: Sequence[tuple[int, int, int]]) -> list[_Candidate]:
        """Candidates for (unit, start, end) sentence spans, in that order."""
        if not spans:
            return []
        a = self.answerer
        new = [self.units[unit][1].text[s:e] for unit, s, e in spans]
        self.texts.extend(new)
        cosines = (a.embedder.embed_passages(new) @ self.query.T).ravel()
        shared = shared_words(self.worded, self.texts)[-len(new) :]
        candidates = []
        for (unit, s, e), text, cosine, lexical in zip(spans, new, cosines, shared, strict=True):
            weight = 0.5 if _fragment(text, a.FRAGMENT_WORDS) else 1.0  # not quoted alone
            hit, passage = self.units[unit]
            if passage.passage_id in self.asking and not self.wants_question:  # a question, its preamble too
                weight *= a.QUESTION_WEIGHT
            if self.askers and passage.speaker not in self.askers:
                weight *= a.QUESTION_WEIGHT
            if passage not in self.cores:
                weight *= a.CONTEXT_WEIGHT
            blend = (1 - a.PASSAGE_WEIGHT) * float(cosine) + a.PASSAGE_WEIGHT * self.hits[hit].score
            time_bonus = a.TIME_WEIGHT if self.asks_when and states_time(text) else 0.0
            score = weight * (blend + a.LEXICAL_WEIGHT * lexical + time_bonus)
            candidates.append(_Candidate(passage, hit, s, e, score))
        return candidates


def _fragment(text: str, fragment_words: int) -> bool:
    """Whether a sentence says too little to be quoted alone: fewer than two content words,
    or fewer than MIN_CONTENT_WORDS in fewer than `fragment_words` different words."""
    n = len(content_terms(text))
    return n < 2 or (n < MIN_CONTENT_WORDS and len({fold(w) for w in words(text)}) < fragment_words)


def questions_of(units: Sequence[tuple[int, Passage]]) -> set[str]:
    """Ids of the passages of these (hit, passage) exchanges that ask: each ending with "?",
    and the one before it in its exchange when the same speaker says it, unless that
    speaker is replying to someone's question there ("Allies agreed. Does that answer it?").

    A long question is cut into passages, and its preamble ("[...] Türkiye's defence
    production has gained even more prominence with the Russia-Ukraine war.") restates a
    topic as a question does, without the question mark: quoted as an answer, it was the
    journalist's words (sample hit@1 0.938 -> 0.954, citation precision 0.923 -> 0.931; the
    other sets unchanged once "What was the questioning about ...?" asks for the question,
    _WHO_ASKED). Only the passage just before counts: the speaker's whole run before the
    question gave the same figures on the four sets, and makes a long turn ending "...,
    right?" a question throughout.

    Example: units [(0, Ali "Reports say X."), (0, Ali "Is that so?"), (0, Jane "Yes.")]
    -> the ids of Ali's two passages.
    """
    asking = set()
    for i, (hit, passage) in enumerate(units):
        if not passage.asks:
            continue
        asking.add(passage.passage_id)
        start = i  # the first passage of the speaker's run up to the question, in this exchange
        while start and units[start - 1][0] == hit and units[start - 1][1].speaker == passage.speaker:
            start -= 1
        replying = start > 0 and units[start - 1][0] == hit and units[start - 1][1].asks
        if i > start and not replying:
            asking.add(units[i - 1][1].passage_id)
    return asking


# A sentence that opens by pointing back at the one before it ("They will have a thousand
# nuclear warheads", "That's impossible, because ...") continues it: quoted with it, on the
# same line, the quote says what "They" are and what follows from it. Keyword recall 0.749
# -> 0.764 on the sample set, 0.577 -> 0.596 on the held-out set (sample 5, calibration 1,
# held-out 2, qmsum-val 7 answers longer); with the next passage of the line as well
# (_next_in_line) the sample 0.795, the calibration set 0.583 -> 0.667. Citation precision
# and recall unchanged on all four sets (the same lines).
_REFERS_BACK = re.compile(r"\s*(?:they|it|this|that|these|those|he|she)\b", re.IGNORECASE)
MAX_QUOTE_CHARS = 400


def _continued(
    quote: _Candidate, units: Sequence[tuple[int, Passage]], split: Callable[[str], list[tuple[int, int]]]
) -> tuple[_Candidate, _Candidate | None]:
    """The quote with the next sentence of its line when that one refers back to it: joined
    to it within its passage, or, when the quote ends its passage, the opening sentence of
    the line's next passage as a quote of its own (else None). The same line only: a
    citation names its lines, and the next line would be one more."""
    text = quote.passage.text
    after = [(s, e) for s, e in split(text) if s >= quote.end]
    if after:
        start, end = after[0]
        if not (_REFERS_BACK.match(text, start) and "\n" not in text[quote.start : end]):
            return quote, None
        if end - quote.start > MAX_QUOTE_CHARS:
            return quote, None
        quote = replace(quote, end=end)
        if len(after) > 1:  # the passage goes on after it
            return quote, None
    following = _next_in_line(quote, units)
    if following is None:
        return quote, None
    hit, passage = following
    opening = split(passage.text)[:1]
    if opening and _REFERS_BACK.match(passage.text, opening[0][0]):
        return quote, _Candidate(passage, hit, opening[0][0], opening[0][1], quote.score)
    return quote, None


def _overlap(a: _Candidate, b: _Candidate) -> bool:
    """Whether two quotes share characters of one passage."""
    return a.passage == b.passage and a.start < b.end and b.start < a.end


def _next_in_line(quote: _Candidate, units: Sequence[tuple[int, Passage]]) -> tuple[int, Passage] | None:
    """The (hit, passage) after the quote's passage in its exchange when it goes on with the
    same line, by the same speaker; None otherwise."""
    for i, (hit, passage) in enumerate(units[:-1]):
        if hit == quote.hit and passage == quote.passage:
            after_hit, after = units[i + 1]
            same_line = after.line_start == passage.line_end and after.speaker == passage.speaker
            return (after_hit, after) if after_hit == hit and same_line else None
    return None


def _in_reply(hit: int, passage: Passage, question: _Candidate) -> bool:
    """Whether a passage of hit `hit`'s exchange is said after the question, by someone else."""
    return (
        hit == question.hit
        and passage.speaker != question.passage.speaker
        and passage.line_start > question.passage.line_start
    )


def quoted_first(hits: Sequence[Hit], answer: Answer) -> list[Hit]:
    """The hits with the one whose exchange holds the answer's first quote moved to the front.

    Retrieval ranks whole passages; the answerer then weighs each sentence of the first
    hits, and the best sentence is the better judge of which place answers. The first
    passage a reader sees is then the one the answer quotes. Sample set hit@1 0.815 ->
    0.862 (mrr@10 0.882 -> 0.905), its calibration set 0.833 -> 0.917, qmsum-val 0.477 ->
    0.498 (before passages carried the sentence said before them; with it, switching the
    sentences step off costs 0.031 / 0.083 / 0.021); the top 5 hold the same places, and
    citations do not change.

    Example: a quote of line 17 with hits at lines 120 and 15-21 -> the hit at 15-21 first.
    """
    if not answer.citations:
        return list(hits)
    cited = answer.citations[0]
    for i, hit in enumerate(hits):
        if hit.holds(cited.doc, cited.line_start):
            return [hit, *hits[:i], *hits[i + 1 :]]
    return list(hits)


def shared_words(question: str, sentences: Sequence[str]) -> list[float]:
    """For each sentence, the share of the question's words it holds, each word weighted by
    how few of the sentences hold it (idf over these sentences: no corpus statistics needed).

    Example: shared_words("budget growth", ["The budget grew.", "Budget growth was 3%."]) -> about [0.4, 1.0]
    """
    asked = stemmed_terms(question)
    held = [stemmed_terms(s) & asked for s in sentences]
    idf = {t: math.log(1 + len(sentences) / (1 + sum(t in h for h in held))) for t in asked}
    total = sum(idf.values())
    return [sum(idf[t] for t in h) / total if total else 0.0 for h in held]


# "Who accused ...?", "Who said ...?": a question about what the journalist's words say or do.
_WHO_SAID = re.compile(
    r"\s*who\s+(?:first\s+|also\s+)?(?:said|says|accused|accuses|claimed|called|described|suggested|argued|"
    r"compared|mentioned|challenged|pressed|criticised|criticized|wondered|noted|pointed out|raised|brought up|"
    r"questioned|told)\b",
    re.IGNORECASE,
)
# "What was the questioning about ...?" asks for the question too (qmsum-val: since a long
# question's preamble counts as the question, questions_of, it was answered by the reply).
_WHO_ASKED = re.compile(
    r"\b(who|which|what)\b[^?]*\b(ask|asks|asked|asking|question|questioned|questioning|wanted to know|raised|brought up)\b",
    re.IGNORECASE,
)


def asks_who_asked(question: str) -> bool:
    """Whether the user wants the person who asked something: "Who asked about the IP4?"."""
    return bool(_WHO_ASKED.search(question))


def compose(citations: Sequence[Citation]) -> str:
    """Quotes grouped by consecutive speaker, each followed by its citation number.

    Example: [Citation(speaker="Mark Rutte", quote="Yes.", ...)] -> 'Mark Rutte: “Yes.” [1]'
    """
    parts: list[str] = []
    previous = None
    for number, c in enumerate(citations, 1):
        quote = f"“{' '.join(c.quote.split())}” [{number}]"
        if c.speaker == previous:
            parts[-1] += f" {quote}"
        else:
            parts.append(f"{c.speaker}: {quote}")
        previous = c.speaker
    return "\n".join(parts)
