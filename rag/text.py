"""Word-level helpers shared by abstention and answering: tokens, stop words, name terms."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just let me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own said same say says she should so some such
    than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves tell told ask asked think thinks mention
    mentioned talk talked discuss discussed""".split()
)


@functools.lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lower case without accents: "Türkiye" -> "turkiye". Cached: every question folds the
    same passages' words again (a third of `says_little`'s time, 4.7 µs a word uncached)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_SPELLED = re.compile(r"\b(?:[^\W\d_][_.]\s?){2,}")


def spelled_acronyms(text: str) -> list[str]:
    """Acronyms that transcripts spell letter by letter: "the L_C_D_ screen" -> ["LCD"]."""
    return [re.sub(r"[_.\s]", "", m.group(0)) for m in _SPELLED.finditer(text)]


def join_spelled(text: str) -> str:
    """Spelled-out acronyms joined, as a question would write them: "L_C_D_ screen" -> "LCD screen"."""
    return _SPELLED.sub(lambda m: re.sub(r"[_.\s]", "", m.group(0)) + " ", text)


_POSSESSIVE = ("'s", "’s")


def words(text: str) -> list[str]:
    """Words as written, possessives cut: "Iran's programme" -> ["Iran", "programme"]."""
    return [w[:-2] if w.endswith(_POSSESSIVE) else w for w in _WORD.findall(text)]


def term(word: str) -> str:
    """A crude stem for matching names across inflections: the first 4 folded letters.

    Example: term("Chinese") == term("China") == "chin"; term("Iran") != term("Iraq").
    """
    return fold(word)[:4]


def content_terms(text: str) -> set[str]:
    """Folded words of `text` that are not stop words."""
    return {folded for w in words(text) if (folded := fold(w)) not in STOP_WORDS}


# Fewer content words than this ("Thank you.", "Yeah, OK .") say nothing on their own: such
# a passage is not a hit of its own but part of the exchange around one (rag/retriever.py);
# such a sentence, unless it has two content words in a few more words ("This is not about
# fuelling the war."), is weighed down as a quote (rag/answering.py, FRAGMENT_WORDS).
MIN_CONTENT_WORDS = 3


def says_little(text: str) -> bool:
    """Whether `text` holds fewer than MIN_CONTENT_WORDS content words: "Yeah , OK ." -> True."""
    return len(content_terms(text)) < MIN_CONTENT_WORDS


@functools.cache
def english_stemmer() -> Any:
    """The one Snowball stemmer (PyStemmer) that BM25 (rag/lexical.py) and quote scoring share."""
    import Stemmer

    return Stemmer.Stemmer("english")


def stemmed_terms(text: str) -> set[str]:
    """Snowball stems of the content words, so "spending" matches "spend": what BM25 compares.

    Example: stemmed_terms("Allies are spending more") == {"alli", "spend"}
    """
    stem = english_stemmer().stemWord
    return {stem(w) for w in (fold(w) for w in words(text)) if w not in STOP_WORDS}
