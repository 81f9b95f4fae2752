"""The generative path's speed on the tiny random model, and the citation check on scripted answers.

    .venv/bin/python benchmarks/generative_tiny.py [--repeats 5] [--max-new-tokens 128] [--model FOLDER]

Builds the tiny two-layer Llama of tests/tiny_model.py (or takes --model, any chat model
folder), asks the sample's questions through TransformersGenerator with the real prompt
over the real retrieved excerpts, and prints median time to first token and tokens/s
(tokens counted by the model's tokenizer on what it streamed). Then runs the scripted
answers of tests/data/scripted_answers.jsonl through the citation check with the bundled
embedding model and prints the share of sentences it marks unsupported. A benchmark,
not a test: it prints figures rather than asserting on them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "How many nuclear warheads will China have by the end of the decade?",
    "What did Rutte say about the incident in the Baltic Sea?",
    "What is the Hague investment plan?",
    "Who asked about the IP4 partners?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--model", type=Path, help="a chat model folder (default: build the tiny random one)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    from rag.citation_check import CitationChecker
    from rag.generative import TransformersGenerator
    from rag.pipeline import open_pipeline
    from rag.prompting import build_messages
    from rag.settings import Settings
    from tests.tiny_model import build_tiny_chat_model

    with tempfile.TemporaryDirectory() as tmp:
        pipeline = open_pipeline(Settings(index_dir=Path(tmp) / "index"))
        pipeline.ingest([ROOT / "sample"])
        model = args.model or build_tiny_chat_model(Path(tmp) / "tiny-chat")
        generator = TransformersGenerator(str(model), max_new_tokens=args.max_new_tokens)
        started = time.perf_counter()
        generator.load()
        load_s = time.perf_counter() - started
        tokenizer = generator._loaded[0]
        prompts = [build_messages(q, pipeline.search(q)) for q in QUESTIONS]
        list(generator.stream(prompts[0]))  # warm-up
        first_token_s, tokens_per_s, prompt_tokens = [], [], []
        for _ in range(args.repeats):
            for messages in prompts:
                started = time.perf_counter()
                pieces, first = [], None
                for piece in generator.stream(messages):
                    first = first if first is not None else time.perf_counter() - started
                    pieces.append(piece)
                total = time.perf_counter() - started
                n_tokens = len(tokenizer("".join(pieces), add_special_tokens=False)["input_ids"])
                first_token_s.append(first or total)
                tokens_per_s.append(n_tokens / max(total - (first or 0), 1e-9))
                prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True)
                prompt_tokens.append(len(prompt["input_ids"]))

        checker = CitationChecker(pipeline.embedder)
        sentences = unsupported = 0
        for line in (ROOT / "tests" / "data" / "scripted_answers.jsonl").read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            answer = checker.check(case["output"], pipeline.search(case["question"]))
            sentences += len(answer.sentences)
            unsupported += sum(not s.supported for s in answer.sentences)

    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "model": str(args.model or "tiny random Llama (2 layers, hidden 64)"),
        "model_load_s": round(load_s, 2),
        "prompt_tokens_median": statistics.median(prompt_tokens),
        "time_to_first_token_median_ms": round(statistics.median(first_token_s) * 1000, 1),
        "tokens_per_s_median": round(statistics.median(tokens_per_s), 1),
        "scripted_sentences": sentences,
        "scripted_unsupported": unsupported,
        "scripted_unsupported_share": round(unsupported / sentences, 3) if sentences else None,
    }
    for key, value in figures.items():
        print(f"{key:>30}: {value}")


if __name__ == "__main__":
    main()
