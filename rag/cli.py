"""The `rag` command: a thin layer over rag.pipeline; --json prints DESIGN.md's objects.

Results go to stdout, progress and logs to stderr; a user-fixable error is one line on
stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from embeddings.faiss_index import CHOICES as VECTOR_INDEX_CHOICES
from embeddings.sentence_transformer import DEFAULT_ENCODER, ENCODERS, ModelNotAvailableError
from rag.errors import RagError
from rag.integrity import check_index
from rag.pipeline import Pipeline, open_pipeline, without_generator
from rag.questions import load_questions
from rag.records import AskResult, Hit, time_label
from rag.settings import STEPS, Settings, parse_steps

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--index", type=Path, help="index directory (default: $RAG_INDEX, else ~/.local/share/transcript-qa/index)"
    )
    common.add_argument(
        "--model", help="embedding model: sentence-transformers name or folder (default: all-MiniLM-L6-v2, bundled)"
    )
    encoding = argparse.ArgumentParser(add_help=False)
    encoding.add_argument(
        "--encoder",
        choices=ENCODERS,
        help="run the embedding model in fp32, bf16, or auto: bf16 where the CPU has it natively "
        f"(default: $RAG_ENCODER, else {DEFAULT_ENCODER})",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("-k", type=int, help="passages to retrieve (default 5)")
    filters.add_argument("--doc", help="only this document id (file name without extension)")
    filters.add_argument("--speaker", help="only turns whose speaker contains this text")
    filters.add_argument("--json", action="store_true", help="print JSON")

    generation = argparse.ArgumentParser(add_help=False)
    generation.add_argument(
        "--generator",
        metavar="MODEL",
        help="answer with this local transformers chat model (folder, or hub id already cached); default: extractive",
    )
    generation.add_argument("--max-new-tokens", type=int, help="longest generated answer, in tokens (default 256)")
    models = argparse.ArgumentParser(add_help=False)
    models.add_argument(
        "--reranker",
        metavar="MODEL",
        help="reorder retrieved passages with this sentence-transformers cross-encoder "
        "(folder, or hub id already cached); default: none",
    )
    models.add_argument(
        "--trust-remote-code",
        action="store_true",
        help="let a model folder (--generator, --reranker) run its own Python code (only if trusted)",
    )
    steps = argparse.ArgumentParser(add_help=False)
    steps.add_argument(
        "--without",
        type=_steps,
        metavar="STEP[,STEP]",
        help=f"switch steps off to measure what they buy: {', '.join(STEPS)} (default: $RAG_WITHOUT, else none)",
    )

    parser = argparse.ArgumentParser(prog="rag", description="Ask questions about transcripts; answers cite the lines.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "ingest", parents=[common, encoding, steps], help="add or update transcripts (unchanged files are skipped)"
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="transcript files or folders")
    p.add_argument(
        "--rebuild", action="store_true", help="start a new index from these paths only (e.g. after a model change)"
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="let a file replace the document of the same name indexed from another file (default: refuse)",
    )
    p.add_argument("--max-passage-tokens", type=int, help="longest passage, in the model's tokens (default 64)")
    p.add_argument("--max-file-mb", type=float, help="refuse files larger than this (default 50)")
    p.add_argument(
        "--vector-index",
        choices=VECTOR_INDEX_CHOICES,
        help="FAISS index: exact (flat), approximate (hnsw), or auto: exact up to 20,000 passages (default auto)",
    )
    p = sub.add_parser(
        "search", parents=[common, encoding, filters, models, steps], help="the passages closest to a query"
    )
    p.add_argument("query")
    p = sub.add_parser(
        "ask",
        parents=[common, encoding, filters, generation, models, steps],
        help="an answer quoting and citing the transcripts",
    )
    p.add_argument("question", nargs="?")
    p.add_argument(
        "--history", action="append", default=[], metavar="Q", help="an earlier question, oldest first; repeatable"
    )
    p.add_argument(
        "--batch",
        type=Path,
        metavar="QUESTIONS.jsonl",
        help='answer every question of a file, one {"question": ...} a line (a question set works too)',
    )
    p = sub.add_parser("serve", parents=[common, encoding, generation, models, steps], help="the chat in the browser")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASSWORD", help="require this login; needed for a non-loopback --host")
    p.add_argument(
        "--no-auth", action="store_true", help="serve a non-loopback --host without a login (you accept the risk)"
    )
    p.add_argument("--max-upload-mb", type=float, help="largest transcript the page accepts (default 20)")
    p = sub.add_parser(
        "eval",
        parents=[common, encoding, generation, models, steps],
        help="score a question set: metrics, report, CI gates",
    )
    p.add_argument("questions", type=Path, metavar="QUESTIONS", help="question-set file (.jsonl, or .yaml list)")
    p.add_argument("--report", type=Path, metavar="DIR", help="write results.json, report.md and report.html here")
    p.add_argument(
        "--compare",
        type=Path,
        metavar="OLD_RESULTS_JSON",
        help="add each metric's change since an earlier results.json",
    )
    p.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 unless METRIC >= VALUE (e.g. hit@5=0.8); repeatable; latency metrics can't be gated",
    )
    p = sub.add_parser(
        "calibrate",
        parents=[encoding],
        help="choose the abstention thresholds on question sets with unanswerable questions",
    )
    p.add_argument("questions", type=Path, nargs="+", metavar="QUESTIONS", help="question-set files, pooled")
    p.add_argument(
        "--index",
        type=Path,
        action="append",
        dest="indexes",
        default=[],
        metavar="DIR",
        help="index directory: once for every set, or once per set in the same order (default: $RAG_INDEX)",
    )
    p.add_argument("--model", help="embedding model (default: all-MiniLM-L6-v2, bundled)")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    p.add_argument(
        "--max-declined",
        type=float,
        default=0.05,
        metavar="SHARE",
        help="most answerable questions that may be wrongly declined, as a share (default 0.05)",
    )
    p = sub.add_parser("info", parents=[common], help="what the index holds")
    p.add_argument(
        "--check", action="store_true", help="also verify the index files agree; exit 1 listing each problem"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        settings = _settings(args)
    except ValueError as exc:  # a bad RAG_* value: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        return COMMANDS[args.command](args, open_pipeline(settings))
    except (RagError, ModelNotAvailableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from RAG_* variables, each overridden by its flag where given."""
    return Settings.from_env().with_overrides(
        index_dir=getattr(args, "index", None),
        embedding_model=args.model,
        encoder=getattr(args, "encoder", None),
        k=getattr(args, "k", None),
        max_passage_tokens=getattr(args, "max_passage_tokens", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        max_upload_mb=getattr(args, "max_upload_mb", None),
        max_file_mb=getattr(args, "max_file_mb", None),
        vector_index=getattr(args, "vector_index", None),
        generator=getattr(args, "generator", None),
        max_new_tokens=getattr(args, "max_new_tokens", None),
        reranker=getattr(args, "reranker", None),
        trust_remote_code=getattr(args, "trust_remote_code", None) or None,
        without=getattr(args, "without", None),
    )


def _steps(text: str) -> frozenset[str]:
    try:
        return parse_steps(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_ingest(args: argparse.Namespace, pipeline: Pipeline) -> int:
    report = pipeline.ingest(args.paths, rebuild=args.rebuild, replace=args.replace, show_progress=True)
    print(f"{pipeline.index_dir}: {report.summary()}", file=sys.stderr)
    for path, reason in report.failed:
        print(f"error: {reason}" if reason.startswith(path) else f"error: {path}: {reason}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_search(args: argparse.Namespace, pipeline: Pipeline) -> int:
    hits = pipeline.search(args.query, k=args.k, doc=args.doc, speaker=args.speaker)
    if args.json:
        _print_json({"query": args.query, "passages": [h.to_json() for h in hits]})
    else:
        for rank, hit in enumerate(hits, 1):
            print(f"{rank}. {_where(hit)}  score {hit.score:.3f}\n   {hit.text}\n")
    return 0


def cmd_ask(args: argparse.Namespace, pipeline: Pipeline) -> int:
    if args.batch:
        if args.question:
            raise RagError("give either a QUESTION or --batch FILE, not both")
        for q in load_questions(args.batch, scored=False):
            result = pipeline.ask(q.question, history=q.history, k=args.k, doc=q.doc or args.doc, speaker=args.speaker)
            _print_json({"id": q.id, **result.to_json()})
        return 0
    if not args.question or not args.question.strip():
        raise RagError('no question given; usage: rag ask "your question" (or --batch QUESTIONS.jsonl)')
    steps = pipeline.ask_stream(args.question, history=args.history, k=args.k, doc=args.doc, speaker=args.speaker)
    shown = ""
    for step in steps:
        if step.result is not None:
            result = step.result
        elif not args.json:  # a generative answer streams as it is written
            print(step.text[len(shown) :] if step.text.startswith(shown) else f"\n{step.text}", end="", flush=True)
            shown = step.text
    if args.json:
        _print_json(result.to_json())
    else:
        if shown:  # what streamed was the model's draft; the checked answer follows
            print("\n\nChecked against the transcript:")
        print(format_answer(result))
    return 0


def cmd_serve(args: argparse.Namespace, pipeline: Pipeline) -> int:
    settings = pipeline.settings
    auth = None
    if args.auth:
        user, sep, password = args.auth.partition(":")
        if not sep or not user or not password:
            raise RagError("--auth takes USER:PASSWORD, both non-empty")
        auth = (user, password)
    if settings.host not in LOOPBACK and auth is None and not args.no_auth:
        raise RagError(
            f"--host {settings.host} exposes the chat beyond this machine; add --auth USER:PASSWORD, "
            "or --no-auth if the network is trusted"
        )
    pipeline.reader()  # fail now, with a clear message, if there is no index
    # Like the generator, the reranker loads before the page opens: a bad one stops serve here.
    pipeline.load_reranker()
    notice = ""
    if settings.generator:
        from rag.generative import GeneratorNotAvailableError, TransformersGenerator

        generator = getattr(pipeline.answerer, "generator", None)
        try:
            if isinstance(generator, TransformersGenerator):
                generator.load()
        except GeneratorNotAvailableError as exc:  # keep serving, extractively, and say so
            print(f"error: {exc}\nserving with the extractive answerer instead", file=sys.stderr)
            notice = f"The generative answerer is not available ({exc}); answers are extractive."
            pipeline = without_generator(pipeline)
    # Gradio keeps uploads in its own cache before the app copies them; keep that cache inside
    # the app's upload folder too, so uploaded files land nowhere else.
    os.environ["GRADIO_TEMP_DIR"] = str(settings.uploads / ".incoming")
    from ui.app import build_demo, serve  # gradio is slow to import; only serve needs it

    demo = build_demo(pipeline, notice=notice)
    # The embedding model loads while the server starts, so the page answers seconds
    # sooner; a question asked before it is ready waits for the same load.
    threading.Thread(target=warm_up, args=(pipeline,), daemon=True).start()
    print(f"serving on http://{settings.host}:{settings.port} (Ctrl+C stops)", file=sys.stderr)
    serve(demo, settings, auth=auth)
    return 0


def warm_up(pipeline: Pipeline) -> None:
    """Pipeline.warm_up in serve's background thread: a model that cannot load is reported now."""
    try:
        pipeline.warm_up()
    except ModelNotAvailableError as exc:
        print(f"error: {exc}\nthe page is up, but every question will fail until the model loads", file=sys.stderr)


def cmd_eval(args: argparse.Namespace, pipeline: Pipeline) -> int:
    from eval.metrics import parse_gate, shortfalls
    from eval.report import load_baseline, metrics_table, read_categories, write_report
    from eval.runner import run_eval

    try:
        gates = [parse_gate(text) for text in args.fail_under]
    except ValueError as exc:
        raise RagError(str(exc)) from None
    baseline = load_baseline(args.compare) if args.compare else None
    run = run_eval(pipeline, load_questions(args.questions), show_progress=True)
    print(metrics_table(run.metrics, baseline))
    if args.report:
        categories = read_categories(args.questions)
        for path in write_report(run, args.report, categories=categories, baseline=baseline):
            print(f"wrote {path}", file=sys.stderr)
    missed = shortfalls(run.metrics, gates)
    for line in missed:
        print(f"error: {line}", file=sys.stderr)
    return 1 if missed else 0


def cmd_calibrate(args: argparse.Namespace, pipeline: Pipeline) -> int:
    from eval.calibration import choose, format_sets, format_table, grid, observe, sweep

    indexes = args.indexes or [pipeline.index_dir]
    if len(indexes) not in (1, len(args.questions)):
        raise RagError(f"give --index once, or once per question set ({len(args.questions)}), not {len(indexes)} times")
    if len(indexes) == 1:
        indexes = indexes * len(args.questions)
    pooled, by_set = [], {}
    for path, index_dir in zip(args.questions, indexes, strict=True):
        settings = replace(pipeline.settings, index_dir=index_dir)
        one = Pipeline(settings, pipeline.embedder, pipeline.answerer, reranker=pipeline.reranker)
        by_set[str(path)] = observe(one, load_questions(path), show_progress=True)
        pooled += by_set[str(path)]
    rows = sweep(pooled, grid())
    try:
        chosen = choose(rows, max_declined=args.max_declined)
    except ValueError as exc:
        raise RagError(f"{exc}; raise --max-declined or add questions") from None
    print(format_table(rows, chosen))
    print()
    configured = {"chosen": chosen.thresholds, "configured": pipeline.settings.abstention}
    print(format_sets({**by_set, "pooled": pooled}, configured))
    return 0


def cmd_info(args: argparse.Namespace, pipeline: Pipeline) -> int:
    if not args.check:
        _print_json(pipeline.info(), indent=2)  # read by people as much as by scripts
        return 0
    # Read from the files, not through pipeline.info(): a damaged index may not open at all.
    check = check_index(pipeline.index_dir, pipeline.embedder.model_name)
    if check.manifest is not None:
        _print_json({"index_dir": str(pipeline.index_dir), **check.manifest}, indent=2)
    for name in check.leftovers:
        print(f"note: leftover file {name} (an older generation or a killed ingest's; harmless)", file=sys.stderr)
    for problem in check.problems:
        print(f"error: {problem}", file=sys.stderr)
    if check.ok:
        print("index check passed", file=sys.stderr)
    return 0 if check.ok else 1


def format_answer(result: AskResult) -> str:
    """The answer, then each citation with its place in the transcript."""
    out = [result.answer.text]
    unsupported = [s.text for s in result.answer.sentences if not s.supported]
    if unsupported:
        out += ["", "Not supported by the cited lines (check before use):"]
        out += [f"  ! {text}" for text in unsupported]
    if result.answer.citations:
        out.append("")
        for number, c in enumerate(result.answer.citations, 1):
            lines = f"line {c.line_start}" if c.line_start == c.line_end else f"lines {c.line_start}-{c.line_end}"
            when = time_label(c.time_start, c.time_end)
            out.append(f"[{number}] {c.doc}, {lines}{f' ({when})' if when else ''}, {c.speaker}")
    return "\n".join(out)


def _where(hit: Hit) -> str:
    p = hit.passage
    lines = f"L{hit.line_start}" if hit.line_start == hit.line_end else f"L{hit.line_start}-{hit.line_end}"
    return f"{p.doc} {lines} {p.speaker}"


def _print_json(obj: Any, indent: int | None = None) -> None:
    """One line unless `indent`: `rag ask --batch --json` prints one answer per line."""
    print(json.dumps(obj, ensure_ascii=False, indent=indent))


COMMANDS: dict[str, Callable[[argparse.Namespace, Pipeline], int]] = {
    "ingest": cmd_ingest,
    "search": cmd_search,
    "ask": cmd_ask,
    "serve": cmd_serve,
    "eval": cmd_eval,
    "info": cmd_info,
    "calibrate": cmd_calibrate,
}
