"""Tiny randomly initialised models, saved to folders like downloaded ones.

No model weights exist on these machines, so tests and the generative benchmark build
them. The chat model: a BPE tokenizer trained with `tokenizers` on the sample transcript,
a chat template, and a two-layer Llama with random weights. The cross-encoder (reranker):
a WordPiece tokenizer over a word list and a two-layer BERT scoring one label. They write
and score nonsense, but they are loaded and run through exactly the code users' models go through.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "sample" / "nato-2025-05-15-antalya.txt"
CHAT_TEMPLATE = (
    "{% for m in messages %}<s>{{ m['role'] }}\n{{ m['content'] }}</s>\n{% endfor %}"
    "{% if add_generation_prompt %}<s>assistant\n{% endif %}"
)


def build_tiny_chat_model(folder: Path, *, vocab_size: int = 600, seed: int = 0) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<unk>", "<s>", "</s>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(SAMPLE.read_text(encoding="utf-8").splitlines(), trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>"
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tiny_cross_encoder(folder: Path, words: list[str], *, num_labels: int = 1, seed: int = 0) -> Path:
    """A two-layer BERT sequence classifier with random weights and a WordPiece tokenizer over `words`.

    Saved as `save_pretrained` writes it, the shape of a cross-encoder folder copied from a hub
    (e.g. cross-encoder/ms-marco-MiniLM-L6-v2). Weights are drawn wide (initializer_range 0.5)
    so its scores differ clearly from passage to passage.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    # Letters as word starts and continuations, and punctuation: few pieces of any text are [UNK].
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    pieces = [*SPECIAL_TOKENS, *".,?!;:'\"()-", *letters, *(f"##{c}" for c in letters), *words]
    vocab = list(dict.fromkeys(pieces))
    # transformers 5 takes the vocabulary itself (a path is not read as a vocab file).
    BertTokenizer(vocab={token: i for i, token in enumerate(vocab)}, do_lower_case=True).save_pretrained(folder)

    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=128,
        num_labels=num_labels,
        initializer_range=0.5,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder
