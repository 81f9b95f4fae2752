"""The chat's state logic as plain functions over a Pipeline: what one turn shows, step by step.

ui/app.py only wires these to widgets, so everything the page does with a question, a
filter or an upload is tested here without a server or a browser.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embeddings.sentence_transformer import ModelNotAvailableError
from rag.errors import RagError
from rag.ingest import SUPPORTED_SUFFIXES
from rag.pipeline import Pipeline
from rag.records import AskResult
from rag.sources import Source
from ui.formatting import answer_pieces, as_text, format_answer_text, format_checked, format_citation, user_turns

ALL_DOCUMENTS = "All documents"
ALL_SPEAKERS = "All speakers"
# Shown when Ask is pressed with nothing typed: the chat itself stays as it was.
EMPTY_QUESTION = "Type a question in the box first, then press Ask."


@dataclass(frozen=True)
class Filters:
    """What the settings panel asks for; None means no restriction or the configured default."""

    doc: str | None = None
    speaker: str | None = None
    k: int | None = None
    answerer: str | None = None

    @classmethod
    def from_widgets(cls, doc: str | None, speaker: str | None, k: float | None, answerer: str | None) -> Filters:
        return cls(
            doc=None if doc in (None, "", ALL_DOCUMENTS) else doc,
            speaker=None if speaker in (None, "", ALL_SPEAKERS) else speaker,
            k=int(k) if k else None,
            answerer=answerer or None,
        )


@dataclass(frozen=True)
class TurnView:
    """What the page shows after a step of one chat turn."""

    history: list[dict[str, str]]  # the chat, as Gradio messages
    sources: list[Source] = field(default_factory=list)
    result: AskResult | None = None


def chat_turn(pipeline: Pipeline, message: str, history: Sequence[Any], filters: Filters) -> Iterator[TurnView]:
    """Ask `message` with the earlier questions of `history`; yield the answer as it grows.

    First the question alone (so the page shows it at once), then the answer a sentence
    at a time with its sources, the last view ending with the list of cited lines.
    """
    earlier = user_turns(history)
    messages = [*_as_messages(history), {"role": "user", "content": message}]
    if not message.strip():
        yield TurnView([*messages[:-1]])
        return
    yield TurnView(messages)
    streamed, result = False, None
    try:
        steps = pipeline.ask_stream(
            message, history=earlier, k=filters.k, doc=filters.doc, speaker=filters.speaker, answerer=filters.answerer
        )
        for step in steps:
            if step.result is None:  # a generative answer, token by token
                streamed = True
                yield TurnView([*messages, {"role": "assistant", "content": format_answer_text(step.text)}])
            else:
                result = step.result
        assert result is not None
        sources = pipeline.sources(result)
    except (RagError, ModelNotAvailableError) as exc:
        yield TurnView([*messages, {"role": "assistant", "content": f"Error: {as_text(str(exc))}"}])
        return
    if not streamed:  # an extractive answer arrives whole: show it a quote at a time
        for piece in answer_pieces(result.answer.text)[:-1]:
            yield TurnView([*messages, {"role": "assistant", "content": format_answer_text(piece)}], sources, result)
    yield TurnView([*messages, {"role": "assistant", "content": final_reply(result)}], sources, result)


def final_reply(result: AskResult) -> str:
    """The whole answer, then its cited lines, so the chat keeps them after the panel moves on."""
    answer = result.answer
    text = format_checked(answer.sentences) if answer.sentences else format_answer_text(answer.text)
    if not result.answer.citations:
        return text
    cited = [format_citation(number, c) for number, c in enumerate(result.answer.citations, 1)]
    return "\n".join([text, "", *cited])


def _as_messages(history: Sequence[Any]) -> list[dict[str, str]]:
    """Gradio's history as plain {"role", "content"} messages with text content."""
    out = []
    for item in history:
        if isinstance(item, dict) and item.get("role") in ("user", "assistant"):
            content = item.get("content")
            if isinstance(content, list | tuple):
                content = " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
            elif isinstance(content, dict):
                content = str(content.get("text") or "")
            out.append({"role": str(item["role"]), "content": str(content or "")})
    return out


def document_choices(pipeline: Pipeline) -> list[str]:
    return [ALL_DOCUMENTS, *pipeline.reader().documents()]


def speaker_choices(pipeline: Pipeline, doc: str | None) -> list[str]:
    doc = None if doc in (None, "", ALL_DOCUMENTS) else doc
    return [ALL_SPEAKERS, *pipeline.reader().speakers(doc)]


def refreshed_choices(
    pipeline: Pipeline, doc: str | None, speaker: str | None
) -> tuple[list[str], str, list[str], str]:
    """(documents, document, speakers, speaker) as the index holds them now: after an upload
    or another process's ingest, the lists built when the page was made are stale. A chosen
    document or speaker is kept where it still exists."""
    documents = document_choices(pipeline)
    doc = doc if doc in documents else ALL_DOCUMENTS
    speakers = speaker_choices(pipeline, doc)
    return documents, doc, speakers, speaker if speaker in speakers else ALL_SPEAKERS


# -- uploads -----------------------------------------------------------------------
# Letters (with their combining marks) and digits of any script stay: "Пресс-конференция.txt",
# "réunion.vtt" as macOS writes it (e + U+0301), "साक्षात्कार.txt". The document id is the file
# name, and a name of dashes alone says nothing.
_DASHES = re.compile(r"-{2,}")


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder: no directories, no dots in front, no
    characters but letters, marks, digits, "_", "." and "-"; its extension kept.

    Example: safe_name("../../etc/My Talk (v2).txt") == "My-Talk-v2-.txt"
    """
    base = Path(unicodedata.normalize("NFC", name).replace("\\", "/")).name
    suffix = _kept(Path(base).suffix or (base if base.count(".") == 1 and base.startswith(".") else ""))
    kept = _kept(base).lstrip(".-")
    if not kept or kept == suffix.lstrip("."):  # nothing before the extension: "().txt", ".txt"
        return f"upload{suffix}"
    return kept


def _kept(text: str) -> str:
    return _DASHES.sub("-", "".join(c if unicodedata.category(c)[0] in "LMN" or c in "._-" else "-" for c in text))


def add_uploads(pipeline: Pipeline, paths: Sequence[str | Path], upload_dir: Path, max_bytes: int) -> str:
    """Copy uploaded files into `upload_dir` and ingest them; a Markdown message says what happened.

    A file that is too large or of an unsupported type is refused before anything is
    copied; a file that fails to parse is removed again (the previous version, if any,
    is put back) and the index stays as it was.
    """
    lines, accepted = [], []
    for raw in paths:
        path = Path(raw)
        name = safe_name(path.name)
        size = path.stat().st_size
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            lines.append(
                f"✗ {as_text(name)}: unsupported file type {as_text(path.suffix or '(none)')}; "
                f"supported: {', '.join(SUPPORTED_SUFFIXES)}. Nothing was added."
            )
        elif size > max_bytes:
            lines.append(
                f"✗ {as_text(name)}: {_size(size)} is over the {_size(max_bytes)} limit "
                "(rag serve --max-upload-mb raises it). Nothing was added."
            )
        else:
            accepted.append((path, name))
    if accepted:
        lines += _ingest_uploads(pipeline, accepted, upload_dir)
    return "\n\n".join(lines) or "No files given."


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1_000_000:.1f} MB" if n_bytes >= 100_000 else f"{n_bytes / 1000:.1f} kB"


def _ingest_uploads(pipeline: Pipeline, accepted: Sequence[tuple[Path, str]], upload_dir: Path) -> list[str]:
    upload_dir.mkdir(parents=True, exist_ok=True)
    placed: dict[str, tuple[Path, bytes | None]] = {}  # str(target) -> (target, previous bytes)
    for path, name in accepted:
        target = upload_dir / name
        previous = target.read_bytes() if target.exists() else None
        shutil.copyfile(path, target)
        placed[str(target)] = (target, previous)
    try:
        report = pipeline.ingest([target for target, _ in placed.values()], show_progress=True)
    except Exception:
        for target, previous in placed.values():
            _restore(target, previous)
        raise
    failed = dict(report.failed)
    lines = []
    for key, (target, previous) in placed.items():
        doc = target.stem
        if key in failed:
            _restore(target, previous)
            reason = failed[key].removeprefix(f"{key}: ").rstrip(".")  # the server's path means nothing to the user
            lines.append(f"✗ {as_text(target.name)}: {as_text(reason)}. Nothing was added.")
        elif doc in report.unchanged:
            lines.append(f"= {as_text(doc)}: already in the index, unchanged.")
        else:
            verb = "updated" if doc in report.updated else "added"
            lines.append(f"✓ {as_text(doc)}: {verb}; ask about it now.")
    return lines


def _restore(target: Path, previous: bytes | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        target.write_bytes(previous)
