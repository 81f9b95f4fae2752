"""The Gradio chat: a thin layer over Pipeline.ask; nothing heavy happens at import time.

`rag serve` calls build_demo(pipeline) and launches it on 127.0.0.1:7860.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from embeddings.sentence_transformer import ModelNotAvailableError
from rag.errors import RagError
from rag.pipeline import Pipeline
from ui.formatting import as_text, format_reply, user_turns

TITLE = "Ask the transcripts"
DESCRIPTION = "Answers quote the transcripts and cite the exact lines and who said them."
SAMPLE_QUESTIONS = [
    "How many nuclear warheads will China have by the end of the decade?",
    "What did Rutte say about the incident in the Baltic Sea?",
    "What is the Hague investment plan?",
    "Who asked about the IP4 partners?",
]


def build_demo(pipeline: Pipeline) -> Any:
    import gradio as gr  # slow import, deferred until a server is wanted

    def respond(message: str, history: list[Any]) -> Iterator[str]:
        if not message.strip():
            yield "Type a question about the transcripts."
            return
        try:
            result = pipeline.ask(message, history=user_turns(history))
        except (RagError, ModelNotAvailableError) as exc:
            yield f"Error: {as_text(str(exc))}"
            return
        yield format_reply(result)

    documents = pipeline.reader().documents()
    examples = SAMPLE_QUESTIONS if "nato-2025-05-15-antalya" in documents else None
    return gr.ChatInterface(
        respond,
        title=TITLE,
        description=f"{DESCRIPTION} Indexed: {', '.join(documents)}.",
        examples=examples,
        chatbot=gr.Chatbot(height=560, sanitize_html=True, label="Chat"),
        flagging_mode="never",
        save_history=False,
        concurrency_limit=2,
        api_name="chat",
    )
