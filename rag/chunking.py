"""Cut turns into passages: one per paragraph, long paragraphs split between sentences.

A passage is never longer than the embedding model reads (its own tokenizer decides), so
no passage is silently truncated. Passage text is an exact slice of the turn's lines
(joined by "\\n"; a label, or a time written above or before a line, taken out), so any
quote taken from it is verbatim. Paragraphs are runs of non-blank lines (a time alone on
its line does not end one); a sentence may cross a line break in hard-wrapped transcripts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from rag.lines import is_blank
from rag.records import Passage, Transcript, Turn
from rag.sentences import quotable_spans, sentence_spans
from rag.text import join_spelled

CountTokens = Callable[[Sequence[str]], list[int]]


# Words of the previous passage's last sentence that lead a passage's embedding text.
CONTEXT_WORDS = 32
# Version of what a file's passages are and what the embedder reads of them (parsing,
# embedding_texts), kept with each indexed document: a document indexed under another is
# re-embedded by its next ingest, even when its file did not change. 1: context from the
# same speaker only; 2: from whoever spoke; 3: windows of consecutive passages embedded too
# (rag/windows.py); 4: speaker labels in more shapes (rag/labels.py: timestamps, hearings,
# "Q" questions), so a file in one of them gets its speakers; 5: labels after list markers
# and closed captions' ">>", headings no one's speech; 6: times written above or before
# lines of speech ("0:04", YouTube's transcript) taken out of the text and kept as its
# times, speech after a heading its speaker's before it; 7: a long sentence over several
# lines is cut at its line breaks (rag/sentences.py quotable_spans), captions at theirs;
# 8: a timed turn ends when the next starts; 9: a court reporter's printed line numbers
# come off (rag/printed_numbers.py), a title over header fields is the header, YouTube's
# rolling automatic captions are read once per line, "approx." ends no sentence; 10: the
# sentences answers quote are embedded too (rag/sentence_vectors.py), so a document
# indexed before gets them by its next ingest (its passages and windows keep their vectors;
# an ingest --without sentences stores none, and its documents get them with --rebuild).
TEXT_RULE = 10
# Rules from this one on embed the same text for the same passages (4 to 8 changed only
# which passages a file makes): a document indexed under one of them whose file, read again,
# makes the very same passages keeps its vectors instead of being embedded again.
SAME_EMBEDDING_TEXT_SINCE = 3


def embedding_text(speaker: str, text: str, context: str = "") -> str:
    """What the embedder reads for a passage: the speaker's name leads, so names match,
    then the end of what was said just before, so "They will have a thousand warheads" is
    still about China once a long answer is cut into passages, and "Yeah, we should go
    with rubber." is about the case material someone just asked about. Acronyms spelled
    letter by letter ("L_C_D_") are joined as questions write them ("LCD")."""
    return join_spelled(f"{speaker}: {context} {text}" if context else f"{speaker}: {text}")


def embedding_texts(passages: Sequence[Passage], count_tokens: CountTokens, *, model_max_tokens: int) -> list[str]:
    """Embedding text of each passage, with the last sentence of the passage before it in
    the same document as context, whoever spoke it: a reply is about what it replies to.

    Context from the same speaker only, as before, against any speaker (the defaults
    otherwise): qmsum-val hit@1 0.498 -> 0.515, hit@5 0.785 -> 0.797, hit@10 0.899 -> 0.911,
    citation precision 0.485 -> 0.494; the sample set unchanged (hit@1 0.862, mrr@10 0.905
    -> 0.906), its calibration set's abstention accuracy 0.536 -> 0.571. Tried and not
    kept: context only after a question (qmsum-val hit@5 0.793); the last 32 words before
    the passage, across sentences and short turns (qmsum-val hit@1 0.540, hit@5 0.802, but
    sample hit@1 0.846 and citation precision 0.844 -> 0.790; 64 words: sample hit@1
    0.815); sentences gathered back to at least 20 words (qmsum-val hit@5 0.814, sample
    hit@1 0.877, but sample citation precision 0.823 and the best pooled abstention
    accuracy 0.924 against 0.930); the start of the next passage too (docs/retrieval-steps.md).

    The context never pushes a text past the model's limit: it is dropped where it would.
    """
    texts = []
    for i, p in enumerate(passages):
        previous = passages[i - 1] if i else None
        context = ""
        if previous is not None and previous.doc == p.doc:
            spans = sentence_spans(previous.text)
            last = previous.text[spans[-1][0] : spans[-1][1]] if spans else previous.text
            context = " ".join(last.split()[-CONTEXT_WORDS:])
        texts.append(embedding_text(p.speaker, p.text, context))
    counts = count_tokens(texts)
    return [
        t if n <= model_max_tokens else embedding_text(p.speaker, p.text)
        for t, n, p in zip(texts, counts, passages, strict=True)
    ]


def chunk_transcript(transcript: Transcript, count_tokens: CountTokens, *, max_tokens: int) -> list[Passage]:
    """All passages of a transcript, in line order; ids made unique where cues share a line."""
    passages, seen = [], set()
    for turn in transcript.turns:
        for p in chunk_turn(transcript.doc, turn, count_tokens, max_tokens=max_tokens):
            # Speech-recognition JSON printed on one line puts many segments on it.
            passage_id, n = p.passage_id, 1
            while passage_id in seen:
                passage_id, n = f"{p.passage_id}+{n}", n + 1
            seen.add(passage_id)
            passages.append(replace(p, passage_id=passage_id))
    return passages


def chunk_turn(doc: str, turn: Turn, count_tokens: CountTokens, *, max_tokens: int) -> list[Passage]:
    """Split one speaker turn into passages, breaking only between paragraphs and sentences.

    Example: a turn with paragraphs on lines 8 and 10-11 -> passages 8-8 and 10-11.
    """
    passages = []
    for first_line, para_lines in _paragraphs(turn):
        text = "\n".join(para_lines)
        line_starts = _line_offsets(para_lines)
        pieces = _fit(text, count_tokens, max_tokens, turn.speaker)
        for part, (start, end) in enumerate(pieces):
            line_start = first_line + _line_at(line_starts, start)
            line_end = first_line + _line_at(line_starts, end - 1)
            passage_id = f"{doc}:{line_start}-{line_end}#{part}"
            time_start, time_end = _times(turn, line_start, line_end)
            passages.append(
                Passage(doc, passage_id, turn.speaker, line_start, line_end, text[start:end], time_start, time_end)
            )
    return passages


def _times(turn: Turn, line_start: int, line_end: int) -> tuple[float | None, float | None]:
    """When the lines were said: the last time written at or above the first (the turn's own
    when none is), to the next time written below the last (the turn's end when none is)."""
    if not turn.line_times:
        return turn.time_start, turn.time_end
    first, last = line_start - turn.line_start, line_end - turn.line_start
    before = [t for t in turn.line_times[: first + 1] if t is not None]
    after = [t for t in turn.line_times[last + 1 :] if t is not None]
    start, end = (before[-1] if before else turn.time_start), (after[0] if after else turn.time_end)
    return start, end if end is None or start is None or end >= start else None  # times that go back


def _paragraphs(turn: Turn) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) for each run of non-blank lines; a time written alone
    above a caption line ("0:04", its text taken out by the parser) does not end a run."""
    run: list[str] = []
    first = turn.line_start
    for offset, line in enumerate(turn.lines):
        if is_blank(line) and not (run and turn.line_times and turn.line_times[offset] is not None):
            if run:
                yield first, run
            run = []
        else:
            if not run:
                first = turn.line_start + offset
            run.append(line)
    if run:
        yield first, run


def _line_offsets(lines: list[str]) -> list[int]:
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    return offsets


def _line_at(line_starts: list[int], char: int) -> int:
    """0-based index of the line holding character `char`."""
    index = 0
    while index + 1 < len(line_starts) and line_starts[index + 1] <= char:
        index += 1
    return index


def _fit(text: str, count_tokens: CountTokens, max_tokens: int, speaker: str) -> list[tuple[int, int]]:
    """Character spans covering `text`'s content, each within the token budget."""
    stripped_start = len(text) - len(text.lstrip())
    stripped_end = len(text.rstrip())
    whole = (stripped_start, stripped_end)
    if count_tokens([embedding_text(speaker, text[slice(*whole)])])[0] <= max_tokens:
        return [whole]
    units: list[tuple[int, int]] = []
    spans = quotable_spans(text)
    counts = count_tokens([embedding_text(speaker, text[s:e]) for s, e in spans])
    for span, n_tokens in zip(spans, counts, strict=True):
        units.extend([span] if n_tokens <= max_tokens else _split_words(text, span, count_tokens, max_tokens, speaker))
    return _pack(text, units, count_tokens, max_tokens, speaker)


def _pack(
    text: str, units: list[tuple[int, int]], count_tokens: CountTokens, max_tokens: int, speaker: str
) -> list[tuple[int, int]]:
    """Greedily join consecutive units while the joined span stays within budget."""
    packed: list[tuple[int, int]] = []
    for start, end in units:
        if packed:
            joined = (packed[-1][0], end)
            if count_tokens([embedding_text(speaker, text[slice(*joined)])])[0] <= max_tokens:
                packed[-1] = joined
                continue
        packed.append((start, end))
    return packed


def _split_words(
    text: str, span: tuple[int, int], count_tokens: CountTokens, max_tokens: int, speaker: str
) -> list[tuple[int, int]]:
    """A sentence too long for the model, cut between words (halving until each piece fits)."""
    start, end = span
    if count_tokens([embedding_text(speaker, text[start:end])])[0] <= max_tokens:
        return [span]
    middle = text.rfind(" ", start, (start + end) // 2 + 1)
    if middle <= start:
        middle = (start + end) // 2  # one enormous "word": cut it anyway, never truncate
    left = (start, len(text[:middle].rstrip()))
    right_start = middle
    while right_start < end and text[right_start].isspace():
        right_start += 1
    return _split_words(text, left, count_tokens, max_tokens, speaker) + _split_words(
        text, (right_start, end), count_tokens, max_tokens, speaker
    )
