"""The generative answerer: a local transformers chat model writes the answer, the checker vets it.

The model sees numbered excerpts (rag.prompting) and streams its answer; every sentence
is then checked against the lines it cites (rag.citation_check). Loading is lazy and
offline-friendly: a folder, or a hub id already in the local cache. Remote code is never
run unless the user asks for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from embeddings.base import Embedder
from rag.citation_check import CitationChecker, valid_markers
from rag.errors import RagError
from rag.prompting import build_messages
from rag.records import Answer, Hit


class GeneratorNotAvailableError(RagError):
    """The chat model could not be loaded; the message names the path and what to do."""


class TextGenerator(Protocol):
    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        """Pieces of the reply to `messages`, in order, as the model writes them."""
        ...


class TransformersGenerator:
    """Any transformers causal LM with a chat template, greedy decoding by default."""

    def __init__(
        self,
        model: str,
        *,
        max_new_tokens: int = 256,
        device: str = "auto",
        dtype: str = "auto",
        trust_remote_code: bool = False,
    ) -> None:
        self.model_id, self.max_new_tokens = model, max_new_tokens
        self.device, self.dtype, self.trust_remote_code = device, dtype, trust_remote_code

    def load(self) -> None:
        """Load now (instead of on the first question), so a bad model fails at start-up."""
        self._loaded  # noqa: B018

    @cached_property
    def _loaded(self) -> tuple[Any, Any]:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        where = self.model_id
        looks_like_path = where.startswith((".", "/", "~")) or Path(where).expanduser().exists()
        if looks_like_path and not Path(where).expanduser().is_dir():
            raise GeneratorNotAvailableError(
                f"{where}: no such model folder; download a chat model there (see README) or fix --generator"
            )
        device = self.device if self.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = {"auto": torch.bfloat16 if device.startswith("cuda") else torch.float32}.get(self.dtype)
        dtype = dtype or getattr(torch, self.dtype)
        try:
            tokenizer = AutoTokenizer.from_pretrained(
                str(Path(where).expanduser()) if looks_like_path else where, trust_remote_code=self.trust_remote_code
            )
            model: Any = AutoModelForCausalLM.from_pretrained(
                str(Path(where).expanduser()) if looks_like_path else where,
                dtype=dtype,
                trust_remote_code=self.trust_remote_code,
            )
        except Exception as exc:  # transformers raises OSError, ValueError, KeyError... for a bad folder
            raise GeneratorNotAvailableError(f"{where}: cannot load a chat model from it: {exc}") from exc
        if not getattr(tokenizer, "chat_template", None):
            raise GeneratorNotAvailableError(
                f"{where}: the tokenizer has no chat template; use an instruct/chat model (e.g. Qwen2.5-0.5B-Instruct)"
            )
        model.to(device).eval()
        return tokenizer, model

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        tokenizer, model = self._loaded
        inputs = tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(model.device)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        failure: list[BaseException] = []

        def generate() -> None:
            try:
                model.generate(
                    **inputs,
                    streamer=streamer,
                    max_new_tokens=self.max_new_tokens,
                    do_sample=False,  # deterministic: the same question gets the same answer
                    pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
                )
            except BaseException as exc:  # surfaced in the caller's thread below
                failure.append(exc)
                streamer.end()

        thread = threading.Thread(target=generate, daemon=True)
        thread.start()
        for piece in streamer:
            if piece:
                yield piece
        thread.join()
        if failure:
            raise RagError(f"the chat model failed while answering: {failure[0]}") from failure[0]


class AnswerStream:
    """One answer being written: iterate for the text so far, then take the checked answer()."""

    def __init__(self, pieces: Iterator[str], hits: Sequence[Hit], checker: CitationChecker) -> None:
        self._pieces, self._hits, self._checker = pieces, hits, checker
        self.raw = ""
        self._done = False

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            self.raw += piece
            yield valid_markers(self.raw, len(self._hits))  # markers to no excerpt never shown
        self._done = True

    def answer(self) -> Answer:
        if not self._done:
            for _ in self:
                pass
        return self._checker.check(self.raw, self._hits)


class GenerativeAnswerer:
    """Answers in the model's words; every sentence cited and checked."""

    name = "generative"

    def __init__(self, generator: TextGenerator, embedder: Embedder, *, n_passages: int = 5) -> None:
        self.generator, self.n_passages = generator, n_passages
        self.checker = CitationChecker(embedder)

    def start(self, question: str, hits: Sequence[Hit]) -> AnswerStream:
        """Begin answering; nothing runs until the stream is iterated. The model reads each
        hit's own passage, not the exchange around it: fewer, numbered excerpts."""
        excerpts = hits[: self.n_passages]
        return AnswerStream(iter(self.generator.stream(build_messages(question, excerpts))), excerpts, self.checker)

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        return self.start(question, hits).answer()
