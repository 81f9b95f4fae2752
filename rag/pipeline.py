"""The library API that the CLI, the UI and the evaluation runner share: ingest, search, ask.

`open_pipeline(settings)` is the one place that builds real models. A Pipeline re-reads
the index when another process has replaced it (manifest changed), so a running server
picks up a new ingest without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from embeddings.base import Embedder, Vectors
from embeddings.faiss_index import choose_spec
from embeddings.sentence_transformer import SentenceTransformerEmbedder
from rag.abstention import decline_reason, measure, read_answer
from rag.answering import Answerer, ExtractiveAnswerer, StreamingAnswerer, abstain, quoted_first
from rag.errors import RagError
from rag.followups import holds_its_own_words, points_back, standalone_query
from rag.header import HEADER_SPEAKER, asks_record_date, header_date_line
from rag.ingest import IngestReport, find_files, outdated_documents, prepare_updates
from rag.parsing import UNKNOWN_SPEAKER, listed_participants
from rag.records import Answer, AskResult, AskStep, Citation, Hit, Passage
from rag.reranking import CrossEncoderReranker, Reranker
from rag.retriever import Retriever
from rag.sentence_vectors import StoredSentences
from rag.settings import Settings
from rag.sources import Source, source_for
from rag.speakers import (
    asks_affiliation,
    asks_moderator,
    asks_who_is,
    introduces,
    name_words,
    named_speaker,
    stands_out,
)
from rag.store import (
    MANIFEST,
    IndexReader,
    check_compatible,
    ingest_lock,
    read_manifest,
    vector_spec,
    write_generation,
)

logger = logging.getLogger(__name__)


class Pipeline:
    # Hits shown from a named speaker's turns before everyone's (`_with_everyone`). Only the
    # speaker's turns, as before: qmsum-val hit@5 0.810, hit@10 0.911; 3 of theirs then the
    # rest from everyone: 0.835 / 0.916, hit@1 and citations unchanged (0.523, 0.500), the
    # sample's sets unchanged but for chars@5 (2,290 -> 2,354); 2 then the rest: also
    # 0.835, sample abstention 0.924 -> 0.911; 4: 0.831. Alternating the two rankings after
    # the first 2 (or 3) lost sample hit@1 0.908 -> 0.862. The answer and the abstention
    # read the speaker's own hits, as before: only the passages shown change.
    NAMED_SPEAKER_LEAD = 3

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        answerer: Answerer,
        *,
        alternatives: Sequence[Answerer] = (),
        reranker: Reranker | None = None,
    ) -> None:
        """`answerer` answers by default; `alternatives` can be chosen per question by name;
        `reranker`, when given, reorders the retrieved candidates."""
        self.settings, self.embedder, self.answerer, self.reranker = settings, embedder, answerer, reranker
        self.answerers = {a.name: a for a in (answerer, *alternatives)}
        self._reader: IndexReader | None = None
        self._reader_stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    # -- the index ---------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir

    def reader(self) -> IndexReader:
        """The current index, reopened if its manifest changed since the last call."""
        stamp = self._manifest_stamp()
        with self._lock:
            if self._reader is None or stamp != self._reader_stamp:
                # The old reader is not closed here: a request in another thread may still be
                # reading it; it closes when the last reference goes.
                self._reader = IndexReader.open(self.index_dir, self.embedder.model_name)
                self._reader_stamp = stamp
            return self._reader

    def stored_sentence_vectors(self, keys: Sequence[bytes]) -> dict[bytes, Vectors]:
        """The vectors the current index holds for these sentence keys (rag/sentence_vectors.py)."""
        return self.reader().sentence_vectors(keys)

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            st = (self.index_dir / MANIFEST).stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def ingest(
        self, paths: Sequence[Path], *, rebuild: bool = False, replace: bool = False, show_progress: bool = False
    ) -> IngestReport:
        """Add or update transcripts; all of this run's changes land at once or not at all.

        `replace`: a file may take the place of a document of the same id from another file."""
        started = time.perf_counter()
        report = IngestReport()
        files, report.failed, report.skipped = find_files(paths)
        with ingest_lock(self.index_dir):
            manifest = None if rebuild else read_manifest(self.index_dir)
            if manifest is not None:
                check_compatible(manifest, self.index_dir, self.embedder.model_name)
            known = manifest["documents"] if manifest else {}
            updates = prepare_updates(
                files,
                self.embedder,
                known=known,
                max_passage_tokens=self.settings.max_passage_tokens,
                report=report,
                max_bytes=int(self.settings.max_file_mb * 1_000_000),
                show_progress=show_progress,
                windows=self.settings.uses("windows"),  # `rag ingest --without windows`: a faster ingest
                sentences=self.settings.uses("sentences"),
                stored=None if manifest is None else lambda doc: self.reader().stored_document(doc),  # opened if needed
                replace=replace,
            )
            # A changed --vector-index re-indexes the same passages even when no file changed.
            n_passages = manifest["n_passages"] if manifest else 0
            wanted = choose_spec(n_passages, self.settings.vector_index, exact_max=self.settings.exact_max_passages)
            if updates or rebuild or manifest is None or vector_spec(manifest) != wanted:
                manifest = write_generation(
                    self.index_dir,
                    model_name=self.embedder.model_name,
                    dim=self.embedder.dim,
                    encoder=getattr(self.embedder, "encoder", None),  # information only; fakes have none
                    updates=updates,
                    rebuild=rebuild,
                    vector_index=self.settings.vector_index,
                    exact_max_passages=self.settings.exact_max_passages,
                )
        report.n_passages = manifest["n_passages"]
        report.outdated = outdated_documents(manifest["documents"])
        report.elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info("ingest: %s", report.summary())
        return report

    def warm_up(self) -> None:
        """Load the models now rather than on the first question, so a bad one fails at start-up."""
        self.embedder.embed_query("warm up")
        self.load_reranker()

    def load_reranker(self) -> None:
        """Load the configured cross-encoder now, if any; RerankerNotAvailableError if it cannot load."""
        if isinstance(self.reranker, CrossEncoderReranker):
            self.reranker.load()

    def info(self) -> dict[str, Any]:
        """The manifest, each document with its speakers: the names `--speaker` and questions use."""
        reader = self.reader()
        manifest = reader.manifest
        documents = {
            doc: {**facts, "speakers": [s for s in reader.speakers(doc) if s != UNKNOWN_SPEAKER]}
            for doc, facts in manifest.get("documents", {}).items()
        }
        return {"index_dir": str(self.index_dir), **manifest, "documents": documents}

    # -- questions ---------------------------------------------------------------
    def search(
        self, query: str, *, k: int | None = None, doc: str | None = None, speaker: str | None = None
    ) -> list[Hit]:
        self.check_filters(doc, speaker)
        return self._search(query, k=k, doc=doc, speaker=speaker)

    def _search(
        self, query: str, *, k: int | None = None, doc: str | None = None, speaker: str | None = None
    ) -> list[Hit]:
        """search() with filters already checked (ask_stream checks them once per question)."""
        uses = self.settings.uses
        retriever = Retriever(
            self.embedder,
            self.reader(),
            lexical_weight=self.settings.lexical_weight if uses("hybrid") else 0.0,
            reranker=self.reranker,
            dialogue=uses("dialogue"),
            context_chars=self.settings.context_chars if uses("dialogue") else 0,
            windows=uses("windows"),
        )
        return retriever.search(query, k or self.settings.k, doc=doc, speaker=speaker)

    def ask(self, question: str, **options: Any) -> AskResult:
        """Retrieve, decide whether the transcripts answer, and answer with cited lines.

        `options` are ask_stream's: history, k, doc, speaker, answerer.
        """
        for step in self.ask_stream(question, **options):
            if step.result is not None:
                return step.result
        raise AssertionError("ask_stream ended without a result")  # pragma: no cover

    def ask_stream(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        k: int | None = None,
        doc: str | None = None,
        speaker: str | None = None,
        answerer: str | None = None,
    ) -> Iterator[AskStep]:
        """As ask(), step by step: the answer text as a streaming answerer writes it, then the result.

        An answerer with `start()` (the generative one) streams; the others give one final step.
        """
        if not question.strip():
            raise ValueError("question is empty")
        chosen = self.answerers.get(answerer or self.answerer.name)
        if chosen is None:
            raise RagError(f"no answerer named {answerer!r}; choose one of: {', '.join(self.answerers)}")
        started = time.perf_counter()
        self.check_filters(doc, speaker)
        uses = self.settings.uses
        query = standalone_query(question, history) if uses("followups") else question
        named, who, hits = self._retrieve(query, k, doc, speaker)
        if (
            query != question
            and not points_back(question)
            and not holds_its_own_words(question, [h.text for h in hits])
        ):
            # Short, pointing nowhere, and what the context found lacks its words: a
            # question of its own ("What is the boiling point of mercury?"), searched alone.
            query = question
            named, who, hits = self._retrieve(query, k, doc, speaker)
        shown = self._with_everyone(query, k, doc, hits) if named else hits
        retrieved = time.perf_counter()
        timings = {"retrieve": (retrieved - started) * 1000}
        # What the transcript says outside its turns: a speaker's label, its header.
        introduced = (
            self._introduction(question, who, doc)
            or self._moderator(question, hits, doc)
            or self._header_fact(question, hits, doc)
        )
        reason = signals = None
        if uses("abstention") and introduced is None:
            signals = measure(question, hits, self.reader(), self.embedder, searched=query)
            reason = decline_reason(signals, self.settings.abstention)
        # The answerer weighs sentences by the user's own words; retrieval used the context.
        if introduced is not None:
            answer = introduced
        elif reason:
            answer = abstain(reason)
        elif isinstance(chosen, StreamingAnswerer):
            stream = chosen.start(question, hits)
            for text in stream:
                timings.setdefault("first_token", (time.perf_counter() - started) * 1000)
                yield AskStep(text)
            answer = stream.answer()
        else:
            answer = chosen.answer(question, hits)
        # What only the answer shows: no figure quoted for "how many". A streamed answer
        # (generative) is then replaced by the decline in the final step.
        if signals is not None and not answer.abstained:
            reason = decline_reason(read_answer(signals, question, answer), self.settings.abstention)
            if reason:
                answer = abstain(reason)
        answer = self._timed(answer)
        hits = shown
        if introduced is not None:  # the line it cites is shown first, held by a hit or not
            hits = self._cited_first(hits, introduced)
        elif uses("sentences"):  # the passage the answer quotes is shown first
            hits = quoted_first(hits, answer)
        done = time.perf_counter()
        timings |= {"answer": (done - retrieved) * 1000, "total": (done - started) * 1000}
        yield AskStep(answer.text, AskResult(question, answer, tuple(hits), timings))

    def _timed(self, answer: Answer) -> Answer:
        """Each citation timed by its own lines, where times are written inside the turn
        ("0:04" above each caption line of a YouTube transcript), not by its whole passage's."""
        reader = self.reader()
        cited = []
        for c in answer.citations:
            start, end = reader.times_around(c.doc, c.line_start, c.line_end)
            start = c.time_start if start is None else start
            if start is None:  # said before any time written in its turn (a label's line): no time, not half of one
                cited.append(c)
                continue
            cited.append(replace(c, time_start=start, time_end=c.time_end if end is None else end))
        return replace(answer, citations=tuple(cited)) if cited else answer

    def check_filters(self, doc: str | None, speaker: str | None) -> None:
        """RagError naming the document or speaker a filter asks for that the index does not
        hold, and the nearest it does: a misspelt filter matches nothing, and "the
        transcripts don't answer this" would be read as a fact about the transcripts."""
        reader = self.reader()
        if doc is not None and doc not in (documents := reader.documents()):
            raise RagError(
                _unknown("document", doc, "the index", documents, "documents are named by file, without the extension")
            )
        speakers = reader.speakers(doc) if speaker is not None else []
        if speaker is not None and not any(speaker.lower() in s.lower() for s in speakers):
            where = repr(doc) if doc is not None else "the index"
            raise RagError(_unknown("speaker", speaker, where, speakers, "any part of a name will do"))

    def _retrieve(
        self, query: str, k: int | None, doc: str | None, speaker: str | None
    ) -> tuple[str | None, str | None, list[Hit]]:
        """The speaker the query names (unless one is given), whose turns are searched, and the hits.

        The answer comes from a named speaker's turns; the passages shown go beyond them (`_with_everyone`).
        """
        named = None if speaker else self._named_speaker(query, doc)
        who = speaker or named
        return named, who, self._search(query, k=k, doc=doc, speaker=who)

    def _with_everyone(self, query: str, k: int | None, doc: str | None, own: Sequence[Hit]) -> list[Hit]:
        """The hits to show for a question naming a speaker: the best NAMED_SPEAKER_LEAD of
        `own` (the speaker's turns, which the answer quotes), then the best of everyone's
        elsewhere: what the others said on the topic, which a meeting's discussion of it
        holds as often ("What did PhD C think about the signal to noise ratio?"). A second
        search, reranked again when a reranker is configured."""
        everyone = self._search(query, k=k, doc=doc)
        return lead_with(own, everyone, self.NAMED_SPEAKER_LEAD, k or self.settings.k)

    def _named_speaker(self, question: str, doc: str | None) -> str | None:
        """The speaker `question` names, whose turns answer it ("What did Rutte say about China?")."""
        return named_speaker(question, self.reader().speakers(doc)) if self.settings.uses("speakers") else None

    def _introduction(self, question: str, who: str | None, doc: str | None) -> Answer | None:
        """The label that introduces `who`, cited, when the question asks whom they write for
        or what their role is ("Which paper is Mizuho Morioka from?"), or who they are ("Who
        is Helen Brandt?"): the transcript says that in the label line ("Mizuho Morioka
        (Asahi Shimbun)"), which no passage holds, or in a list of participants above their
        first turn. None when the question asks something else or neither says more than
        the name."""
        if not self.settings.uses("speakers"):
            return None
        reader = self.reader()
        who = who if asks_affiliation(question) else asks_who_is(question, reader.speakers(doc))
        if who is None:
            return None
        labels = reader.label_lines(who, doc)
        introductions = [(d, line, label) for d, line, label in labels if introduces(label, who)]
        # else a participants list: "Marcus Lee - Morgan Stanley" in an earnings call, whose
        # turns are labelled "Marcus Lee" alone
        first = {d: line for d, line, _ in reversed(labels)}
        for d, before in first.items():
            above = reader.lines(d, 1, before - 1)
            listed = listed_participants(above)
            introductions += [
                (d, n, above[n - 1].strip()) for n, name, _ in listed if name_words(name) == name_words(who)
            ]
        if not introductions:
            return None
        label_doc, line, label = introductions[0]
        citation = Citation(label_doc, line, line, who, label)
        return Answer(f"The transcript introduces the speaker as “{label}” [1].", (citation,), False)

    def _moderator(self, question: str, hits: Sequence[Hit], doc: str | None) -> Answer | None:
        """Who gives the floor before the questions, cited on their label, when the question
        asks who chaired or moderated ("Who chaired the question-and-answer part?"): no turn
        says so in words, the order of turns does. The document is the one asked about, else
        the best hit's. None when the question asks something else or nobody stands out."""
        asked = doc or _best_doc(hits)
        if asked is None or not self.settings.uses("speakers") or not asks_moderator(question):
            return None
        reader = self.reader()
        givers = reader.floor_givers(asked)
        if not stands_out([n for _, _, n, _ in givers]):
            return None
        _, moderator, n, first = givers[0]
        labels = [(line, label) for _, line, label in reader.label_lines(moderator, asked) if line <= first]
        line, quote = labels[-1] if labels else (first, reader.lines(asked, first, first)[0].strip())
        citation = Citation(asked, line, line, moderator, quote)
        return Answer(f"{quote} gives the floor before {n} questions [1].", (citation,), False)

    def _header_fact(self, question: str, hits: Sequence[Hit], doc: str | None) -> Answer | None:
        """The header line that dates the transcript, cited, when the question asks when the
        record itself was given or updated ("On what date did Rutte give this press
        conference?"); the document is the one asked about, else the best hit's. None
        when the question asks something else or the header holds no date."""
        if not self.settings.uses("header") or not asks_record_date(question):
            return None
        asked = doc or _best_doc(hits)
        if asked is None:
            return None
        found = header_date_line(question, self.reader().header_lines(asked))
        if found is None:
            return None
        line, quote = found
        citation = Citation(asked, line, line, HEADER_SPEAKER, quote)
        return Answer(f"The transcript's header says “{quote}” [1].", (citation,), False)

    def _cited_first(self, hits: Sequence[Hit], answer: Answer) -> list[Hit]:
        """The hits with the one holding the answer's cited line first; a line that no hit holds (a
        label, a header line) becomes the first hit itself, in place of the last, so the
        passage a reader sees first is the one the answer rests on."""
        cited = answer.citations[0]
        moved = quoted_first(hits, answer)
        if moved and moved[0].holds(cited.doc, cited.line_start):
            return moved
        lines = self.reader().lines(cited.doc, cited.line_start, cited.line_end)
        passage = Passage(
            cited.doc,
            f"{cited.doc}:{cited.line_start}-{cited.line_end}#0",
            cited.speaker,
            cited.line_start,
            cited.line_end,
            "\n".join(lines),
        )
        best = max((h.score for h in hits), default=0.0)  # ranked above the rest: the answer rests on it
        return [Hit(passage, best), *hits[: max(len(hits) - 1, 0)]]

    def sources(self, result: AskResult) -> list[Source]:
        """Each citation of `result` with its lines and the turn before it, in citation order."""
        reader = self.reader()
        return [source_for(reader, c) for c in result.answer.citations]

    def transcript_lines(self, doc: str) -> list[str]:
        """Every line of an indexed document; lines[0] is line 1."""
        reader = self.reader()
        if doc not in reader.documents():
            raise RagError(f"no document {doc!r} in the index; rag info lists them")
        return reader.lines(doc)


def lead_with(first: Sequence[Hit], rest: Sequence[Hit], n_first: int, k: int) -> list[Hit]:
    """The first `n_first` of `first` as they are, then `rest`, then the remaining `first`,
    k in all, leaving out any of the later ones at a place an earlier hit shows.

    The first ones are kept even where they share a line: the retriever already kept them
    apart (two passages of one long line are two places); dropping such a second hit too
    changed the sample's answers (hit@1 0.908 -> 0.862).
    Example: first [A, B, C], rest [B, D], n_first 2, k 3 -> [A, B, D]
    """
    out = list(first[:n_first])
    for hit in (*rest, *first[n_first:]):
        if len(out) >= k:
            break
        if not any(hit.overlaps(taken) for taken in out):
            out.append(hit)
    return out[:k]


def _best_doc(hits: Sequence[Hit]) -> str | None:
    """The document of the best hit: the one a question about "this press conference" means
    when it names none."""
    return hits[0].passage.doc if hits else None


def open_pipeline(settings: Settings) -> Pipeline:
    """Build the real embedder, answerers and reranker for `settings`; models load on first use.

    With settings.generator the generative answerer answers by default and the
    extractive one stays available by name; without it, extractive alone. With
    settings.reranker a cross-encoder reorders the retrieved candidates; without it, none.
    """
    embedder = SentenceTransformerEmbedder(settings.embedding_model, encoder=settings.encoder)
    # The answerers' sentences come embedded with the index, the question alone is embedded.
    sentences = StoredSentences(embedder)
    extractive = ExtractiveAnswerer(sentences, max_quotes=settings.max_quotes, sentences=settings.uses("sentences"))
    reranker = None
    if settings.reranker:
        reranker = CrossEncoderReranker(settings.reranker, trust_remote_code=settings.trust_remote_code)
    if not settings.generator:
        pipeline = Pipeline(settings, embedder, extractive, reranker=reranker)
    else:
        from rag.generative import GenerativeAnswerer, TransformersGenerator

        generator = TransformersGenerator(
            settings.generator, max_new_tokens=settings.max_new_tokens, trust_remote_code=settings.trust_remote_code
        )
        answerer = GenerativeAnswerer(generator, sentences)  # its citation check reads the hits' sentences
        pipeline = Pipeline(settings, embedder, answerer, alternatives=[extractive], reranker=reranker)
    sentences.lookup = pipeline.stored_sentence_vectors  # the index the pipeline reads, reopened as it changes
    return pipeline


def without_generator(pipeline: Pipeline) -> Pipeline:
    """The same pipeline answering extractively only: what serve falls back to when the model fails."""
    extractive = pipeline.answerers.get("extractive") or ExtractiveAnswerer(
        pipeline.embedder, sentences=pipeline.settings.uses("sentences")
    )
    return Pipeline(
        replace(pipeline.settings, generator=None), pipeline.embedder, extractive, reranker=pipeline.reranker
    )


def _unknown(what: str, asked: str, where: str, known: Sequence[str], hint: str) -> str:
    """ "no document 'x.txt' in the index (did you mean 'x'?); ..." with the first few known ones."""
    import difflib

    by_word = {w.lower(): name for name in known for w in name.split()}  # "Rute" is near "Rutte", not "Mark Rutte"
    stem = asked.rsplit(".", 1)[0].lower()  # "presser.txt": a file name given for its document
    near = (
        difflib.get_close_matches(asked, known, n=1, cutoff=0.6)
        or [by_word[w] for w in difflib.get_close_matches(asked.lower(), list(by_word), n=1, cutoff=0.6)]
        or [k for k in known if k.lower().startswith(stem)][:1]
    )
    guess = f" (did you mean {near[0]!r}?)" if near else ""
    shown = ", ".join(repr(k) for k in known[:_LISTED])
    more = f" and {len(known) - _LISTED} more (rag info lists them)" if len(known) > _LISTED else ""
    return f"no {what} {asked!r} in {where}{guess}; {hint}. Known: {shown or 'none'}{more}"


_LISTED = 10  # known documents or speakers named in an error; `rag info` has them all
