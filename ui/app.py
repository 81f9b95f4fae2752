"""The chat page: Gradio Blocks wired to ui.chat's plain functions; nothing heavy at import time.

`rag serve` calls serve(pipeline, ...). The page: the chat on the left, numbered source
cards on the right (each with "View in transcript"), filters and settings, and an upload
box. Every request goes through Gradio's queue, which has a maximum size and a
concurrency limit, so a crowd of users waits in line instead of starving the CPU.
"""

from __future__ import annotations

from typing import Any

from embeddings.sentence_transformer import ModelNotAvailableError
from rag.errors import RagError
from rag.ingest import SUPPORTED_SUFFIXES
from rag.pipeline import Pipeline
from rag.settings import Settings
from rag.sources import Source
from ui.chat import (
    ALL_DOCUMENTS,
    ALL_SPEAKERS,
    EMPTY_QUESTION,
    Filters,
    add_uploads,
    chat_turn,
    document_choices,
    refreshed_choices,
    speaker_choices,
)
from ui.formatting import as_text, hits_html, same_turns, source_card_html, transcript_html

TITLE = "Ask the transcripts"
DESCRIPTION = "Answers quote the transcripts and cite the exact lines and who said them."
SAMPLE_DOC = "nato-2025-05-15-antalya"
SAMPLE_QUESTIONS = [
    "What did Rutte say about China?",
    "How many warheads?",
    "What did Rutte say about the incident in the Baltic Sea?",
    "What is the Hague investment plan?",
    "Who asked about the IP4 partners?",
]
MAX_CARDS = 10  # source card slots on the page; an answer cites at most this many
MAX_K = 20
QUEUE_SIZE = 64  # requests waiting beyond this are refused with "queue full"
CONCURRENCY = 2  # questions answered at once: this machine has 2 cores

CSS = """
.tqa-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; }
.tqa-card-head { font-weight: 600; margin-bottom: 4px; }
.tqa-number { color: var(--color-accent); }
.tqa-before { opacity: 0.75; font-size: 0.92em; border-left: 3px solid var(--border-color-primary);
  padding-left: 6px; margin: 4px 0; }
.tqa-before-head { font-style: italic; }
.tqa-line { display: flex; gap: 8px; white-space: pre-wrap; }
.tqa-ln { color: var(--body-text-color-subdued); min-width: 3em; text-align: right; user-select: none; }
.tqa-cited-line { background: var(--color-accent-soft); }
.tqa-transcript { max-height: 60vh; overflow-y: auto; font-family: var(--font-mono); font-size: 0.9em; }
.tqa-transcript-head { font-weight: 600; margin-bottom: 6px; }
.tqa-hits .tqa-text { font-size: 0.9em; white-space: pre-wrap; }
mark { background: #ffe066; color: #000; }
"""
# After "View in transcript": scroll the cited line into the middle of the transcript box.
SCROLL_JS = """() => { setTimeout(() => {
  const el = document.querySelector('#tqa-transcript .tqa-target');
  if (el) el.scrollIntoView({block: 'center'});
}, 100); }"""


def build_demo(pipeline: Pipeline, *, notice: str = "") -> Any:
    """The page over `pipeline`; `notice` is shown under the title (e.g. a model that failed to load)."""
    import gradio as gr  # slow import, deferred until a server is wanted

    settings = pipeline.settings
    documents = document_choices(pipeline)
    with gr.Blocks(title=TITLE, delete_cache=(3600, 3600)) as demo:
        sources_state = gr.State([])
        gr.Markdown(f"# {TITLE}\n{DESCRIPTION}")
        if notice:
            gr.Markdown(f"**Note:** {as_text(notice)}", elem_id="tqa-notice")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=520, sanitize_html=True, elem_id="tqa-chat")
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask about the transcripts, e.g. What did Rutte say about China?",
                        show_label=False,
                        scale=5,
                        elem_id="tqa-question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="tqa-ask")
                clear = gr.Button("Clear conversation", size="sm", elem_id="tqa-clear")
                if SAMPLE_DOC in documents:
                    gr.Examples(SAMPLE_QUESTIONS, inputs=question, label="Example questions")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                no_sources = gr.Markdown("Cited lines appear here, numbered as in the answer.")
                slots, cards, views = [], [], []
                for number in range(1, MAX_CARDS + 1):
                    with gr.Group(visible=False) as slot:
                        cards.append(gr.HTML())
                        views.append(gr.Button(f"View [{number}] in transcript", size="sm"))
                    slots.append(slot)
                with gr.Accordion("All retrieved passages", open=False):
                    retrieved = gr.HTML()
        with gr.Column(visible=False) as transcript_box:
            transcript = gr.HTML(elem_id="tqa-transcript")
            close = gr.Button("Close transcript", size="sm")
        with gr.Accordion("Filters and settings", open=False), gr.Row():
            doc = gr.Dropdown(documents, value=ALL_DOCUMENTS, label="Document")
            speaker = gr.Dropdown(speaker_choices(pipeline, None), value=ALL_SPEAKERS, label="Speaker")
            k = gr.Slider(1, MAX_K, value=settings.k, step=1, label="Passages to retrieve")
            answerer = gr.Radio(
                list(pipeline.answerers), value=pipeline.answerer.name, label="Answerer", elem_id="tqa-answerer"
            )
        with gr.Accordion("Add transcripts", open=False):
            upload = gr.File(
                label=f"Drop transcripts: {', '.join(SUPPORTED_SUFFIXES)} (up to {settings.max_upload_mb:g} MB each)",
                file_count="multiple",
                file_types=list(SUPPORTED_SUFFIXES),
                elem_id="tqa-upload",
            )
            upload_status = gr.Markdown()

        def show_turn(view_sources: list[Source], view: Any, *, close_transcript: bool = True) -> list[Any]:
            cards_visible = [gr.update(visible=i < len(view_sources)) for i in range(MAX_CARDS)]
            same = same_turns(view_sources)
            card_html = [
                source_card_html(i + 1, view_sources[i], same[i]) if i < len(view_sources) else ""
                for i in range(MAX_CARDS)
            ]
            hits = hits_html(view.result.hits) if view.result else ""
            return [
                view.history,
                view_sources,
                gr.update(visible=not view_sources),
                hits,
                *cards_visible,
                *card_html,
                gr.update(visible=False) if close_transcript else gr.skip(),  # opened from the last answer's cards
            ]

        def respond(message: str, history: list[Any], doc_value: str, speaker_value: str, k_value: float, name: str):
            filters = Filters.from_widgets(doc_value, speaker_value, k_value, name)
            if not message.strip():  # the last answer's cards and transcript stay as they are
                gr.Warning(EMPTY_QUESTION, title="No question")
                yield [gr.skip()] * len(turn_outputs)
                return
            shown: list[Source] | None = None
            last = None
            for view in chat_turn(pipeline, message, history, filters):
                last = view
                if view.sources is shown or (shown == [] and not view.sources):  # only the answer grew
                    yield ["", view.history, *[gr.skip()] * (len(turn_outputs) - 2)]
                else:
                    shown = view.sources
                    yield ["", *show_turn(view.sources, view)]
            if last is not None and last.sources:
                # The turn ends with its cards sent once more, whatever became of the updates
                # between (one CI run showed an answer citing [2] without its card, under
                # load; not seen again in four runs); a transcript opened meanwhile stays.
                yield ["", *show_turn(last.sources, last, close_transcript=False)]

        turn_outputs = [question, chatbot, sources_state, no_sources, retrieved, *slots, *cards, transcript_box]
        turn_inputs = [question, chatbot, doc, speaker, k, answerer]
        send.click(respond, turn_inputs, turn_outputs, api_name="chat")
        question.submit(respond, turn_inputs, turn_outputs, api_visibility="private")

        def clear_all() -> list[Any]:
            hidden = [gr.update(visible=False) for _ in range(MAX_CARDS)]
            return ["", [], [], gr.update(visible=True), "", gr.update(visible=False), *hidden]

        clear.click(
            clear_all,
            None,
            [question, chatbot, sources_state, no_sources, retrieved, transcript_box, *slots],
            api_visibility="private",
        )

        def open_transcript(number: int) -> Any:
            def show(view_sources: list[Source]) -> list[Any]:
                citation = view_sources[number].citation
                lines = pipeline.transcript_lines(citation.doc)
                return [gr.update(visible=True), transcript_html(citation.doc, lines, citation)]

            return show

        for number, button in enumerate(views):
            button.click(
                open_transcript(number), sources_state, [transcript_box, transcript], api_visibility="private"
            ).then(None, js=SCROLL_JS)
        close.click(lambda: gr.update(visible=False), None, transcript_box, api_visibility="private")

        doc.change(
            lambda d: gr.update(choices=speaker_choices(pipeline, d), value=ALL_SPEAKERS),
            doc,
            speaker,
            api_visibility="private",
        )

        def add_files(paths: list[str] | None, progress: Any = gr.Progress(track_tqdm=True)) -> list[Any]:  # noqa: B008
            message = add_uploads(pipeline, paths or [], settings.uploads, int(settings.max_upload_mb * 1_000_000))
            return [message, gr.update(choices=document_choices(pipeline)), None]

        def refresh(chosen_doc: str | None, chosen_speaker: str | None) -> list[Any]:
            documents, chosen_doc, speakers, chosen_speaker = refreshed_choices(pipeline, chosen_doc, chosen_speaker)
            return [gr.update(choices=documents, value=chosen_doc), gr.update(choices=speakers, value=chosen_speaker)]

        # The speakers of an uploaded transcript are choices at once, and a page (re)loaded
        # after a `rag ingest` elsewhere lists what the index holds now.
        upload.upload(add_files, upload, [upload_status, doc, upload], api_name="upload").then(
            refresh, [doc, speaker], [doc, speaker], api_visibility="private"
        )
        demo.load(refresh, [doc, speaker], [doc, speaker], api_visibility="private")

        def ask_api(
            question: str,
            history: list[str] | None = None,
            doc: str | None = None,
            speaker: str | None = None,
            k: int | None = None,
        ) -> dict[str, Any]:
            """The same JSON object as `rag ask --json`, for scripts."""
            # What the caller can fix comes back as its message, with no traceback in the server's log.
            if not (question or "").strip():
                raise gr.Error("the question is empty: send the question to ask", print_exception=False)
            try:
                return pipeline.ask(question, history=history or [], doc=doc, speaker=speaker, k=k).to_json()
            except (RagError, ModelNotAvailableError) as exc:
                raise gr.Error(str(exc), print_exception=False) from None

        gr.api(ask_api, api_name="ask")
    return demo


def serve(demo: Any, settings: Settings, *, auth: tuple[str, str] | None = None, block: bool = True) -> Any:
    """Queue and launch `demo` on settings.host:settings.port; returns when stopped unless block is False."""
    import gradio as gr

    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        show_error=True,
        quiet=True,
        prevent_thread_lock=not block,
        max_file_size=int(settings.max_upload_mb * 1_000_000),
        css=CSS,
        theme=gr.themes.Soft(),
        footer_links=["api"],
    )
    return demo
