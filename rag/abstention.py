"""Decide, before any answerer runs, that the transcripts do not answer a question.

Two signals, both cheap and model-free:
1. the best passage is not similar enough (cosine below `min_score`);
2. the question names something (a capitalised word inside the question, such as "Iran")
   that appears nowhere in the indexed transcripts, their speakers or titles. Dense
   retrieval happily returns China's warheads for a question about Iran's programme;
   a name the corpus never mentions is a near miss, not an answer. The price: a question
   that paraphrases a name ("Beijing" for China, "Kyiv" for Ukraine) is declined too.
   Relating names by embedding cosine was tried and rejected: in all-MiniLM-L6-v2 a
   sibling is as close as a paraphrase (France-Germany 0.75, Beijing-China 0.76,
   Iran-Russia 0.68, Kyiv-Ukraine 0.72), so no threshold separates them.

`min_score` (Settings, 0.30) was chosen on eval/sets/nato-2025-05-15-antalya.jsonl with
64-token passages: no answerable question's best passage scores below it, while off-topic
questions (the weather, another country's submarines) do. The unanswerable questions
that stay on topic score as high as answerable ones (0.4-0.7), which is why the name
check exists.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rag.records import Hit
from rag.text import STOP_WORDS, fold, term, words

# Capitalised words that name no topic of their own ("Western capitals").
_DIRECTIONS = {"north", "south", "east", "west", "western", "eastern", "northern", "southern"}


def question_names(question: str) -> list[str]:
    """Capitalised words after the first one, not stop words: "What did Rutte say about Iran?" -> ["Rutte", "Iran"]."""
    found = []
    for word in words(question)[1:]:
        if word[:1].isupper() and fold(word) not in STOP_WORDS and not word.isdigit():
            found.append(word)
    return found


def unknown_names(question: str, vocabulary: Collection[str]) -> list[str]:
    """Names in the question whose `term` is not in the corpus vocabulary (a set of terms)."""
    return [name for name in question_names(question) if term(name) not in vocabulary and fold(name) not in _DIRECTIONS]


def abstention_reason(question: str, hits: Sequence[Hit], vocabulary: Collection[str], min_score: float) -> str | None:
    """Why the transcripts do not answer `question`, or None when they may."""
    if not hits:
        return "no passage matches the question"
    missing = unknown_names(question, vocabulary)
    if missing:
        listed = ", ".join(f"“{name}”" for name in missing)
        return f"the transcripts never mention {listed}"
    best = max(h.score for h in hits)  # fused ranking: the first hit need not be the closest
    if best < min_score:
        return f"no passage is close enough to the question (best similarity {best:.2f} < {min_score:.2f})"
    return None
