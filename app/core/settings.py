"""The one settings object: every knob of the tutor, read from `TUTOR_*` env vars.

Build it once per entry point (`Settings()`) and pass it down; no other module
reads the environment. `TUTOR_HOME` relocates all stored state (the vector
index, the GGUF model file, evaluation reports, the learner store), which is how tests isolate
themselves. The shipped data (roadmap, cards, curriculum) is package data
(`app.core.resources`); the `seeds`, `cards`, `topics` and `curriculum` settings point
elsewhere when set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.core.resources import default_home, seeds_dir

# llama.cpp on the CPU reads a prompt at about 300 tokens a second, and the model's first token
# waits for it: 512 tokens is the few-shot prefix (cached after the first answer) and one or two
# excerpts, under a second and a half.
LLAMACPP_PROMPT_TOKENS = 512


class Settings(BaseSettings):
    """Configuration for ingest, retrieval, the LLM backend and the UI."""

    model_config = SettingsConfigDict(env_prefix="TUTOR_", extra="ignore")

    # --- storage -------------------------------------------------------------
    home: Path = Field(
        default_factory=default_home,
        description="Directory that holds all stored state (index, model file, eval reports); "
        "default .tutor/ in a checkout, else the user's data folder.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); "
        "unset = embedded persistent Chroma under TUTOR_HOME.",
    )
    collection: str = Field(default="roadmap", description="Chroma collection name.")
    # NoDecode: TUTOR_SEEDS may be "a.md:b.md", not only JSON (see _split_paths).
    seeds: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [seeds_dir() / "ai-engineer-skills.md"],
        description="Documents always ingested (the roadmap).",
    )

    # --- retrieval -----------------------------------------------------------
    top_k: int = Field(default=4, ge=1, le=20, description="Chunks retrieved per question.")
    min_relevance: float = Field(
        default=0.25,
        description="Best cosine similarity at or above which a question counts as covered.",
    )
    min_lexical_coverage: float = Field(
        default=0.50,
        description="Below min_relevance, the IDF-weighted share of question words found "
        "in the roadmap that still counts as covered.",
    )
    embed_batch_size: int = Field(default=32, ge=1)

    # --- LLM -----------------------------------------------------------------
    llm: Literal["llamacpp", "openai"] = Field(
        default="llamacpp",
        description="'llamacpp' = embedded Gemma 3 270M; 'openai' = any OpenAI-compatible server.",
    )
    model_path: Path | None = Field(
        default=None,
        description="GGUF file for the llamacpp backend; unset = the bundled Gemma 3 270M.",
    )
    n_ctx: int = Field(default=2048, ge=512, description="Context window for llama.cpp.")
    n_threads: int | None = Field(
        default=None,
        ge=1,
        description="llama.cpp threads for generation and prompt reading (unset = all cores).",
    )
    model_adds: bool | None = Field(
        default=None,
        description="Let the model add to the composed answer (shown only if its sentences pass the checks); "
        "unset = only with a model other than the bundled Gemma 3 270M, whose additions were measured to be "
        "wrong more often than useful (README: How an answer is made).",
    )
    openai_base_url: str | None = Field(default=None, description="e.g. http://localhost:11434/v1")
    openai_model: str | None = Field(default=None, description="Model name on that server.")
    openai_api_key: SecretStr = Field(
        default=SecretStr("not-needed"),
        description="API key for the OpenAI-compatible server (local servers ignore it).",
    )
    max_tokens: int = Field(
        default=80, ge=16, description="Most tokens the model may write for an answer (a sentence or three)."
    )
    prompt_tokens: int | None = Field(
        default=None,
        ge=128,
        description="Most tokens of prompt the model reads for an answer (the weakest excerpts are left out "
        "to fit); unset = 512 with llama.cpp, which reads about 300 tokens a second on 2 cores, and the "
        "whole context with an OpenAI-compatible server.",
    )
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    request_timeout: float = Field(default=120.0, gt=0, description="Seconds per LLM request.")

    # --- UI ------------------------------------------------------------------
    host: str = Field(
        default="127.0.0.1",
        description="Address `tutor serve` binds; anything but a loopback address is reachable "
        "from the network, and serving there prints a warning.",
    )
    port: int = Field(default=7860, ge=1, le=65535)
    auth: SecretStr | None = Field(
        default=None,
        description="A login for `tutor serve` as user:password; unset (and no auth_file) = no login.",
    )
    auth_file: Path | None = Field(
        default=None,
        description="A file of user:password lines, one login each (blank lines and # comments skipped).",
    )

    # --- learners --------------------------------------------------------------
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the learner store (e.g. postgresql+psycopg://user@host/tutor); "
        "unset = SQLite at TUTOR_HOME/learners.sqlite3.",
    )

    cards: Path = Field(
        default_factory=lambda: seeds_dir() / "cards",
        description="Folder of knowledge cards ingested with the roadmap; each `## A > B` heading "
        "explains the roadmap section at that path.",
    )
    topics: Path = Field(
        default_factory=lambda: seeds_dir() / "topics",
        description="Folder of topic entries ingested with the roadmap: one `## A > B > Topic > Name` "
        "entry per leaf topic (what, why, example, confusion, tools, self-checks); answers are composed "
        "from them, and plans name them week by week.",
    )
    curriculum: Path = Field(
        default_factory=lambda: seeds_dir() / "curriculum.yaml",
        description="Hours, prerequisites and tracks for the planner (see seeds/curriculum.yaml).",
    )

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        # TUTOR_HOME=.tutor or ~/tutor: stored paths (file URIs, the index pointer) need it whole.
        return value.expanduser().absolute()

    @field_validator("seeds", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        # TUTOR_SEEDS is a JSON list or paths joined by ":" (like PATH).
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [p for p in value.split(":") if p]
        return value

    @property
    def answer_prompt_tokens(self) -> int | None:
        """The cap on an answer's prompt (see `prompt_tokens`); None = what the context leaves."""
        if self.prompt_tokens is not None:
            return self.prompt_tokens
        return LLAMACPP_PROMPT_TOKENS if self.llm == "llamacpp" else None

    @property
    def model_may_add(self) -> bool:
        """Whether the model is asked to add to composed answers (see `model_adds`)."""
        if self.model_adds is not None:
            return self.model_adds
        return self.llm == "openai" or self.model_path is not None

    @property
    def chroma_dir(self) -> Path:
        """Where the embedded Chroma keeps its files."""
        return self.home / "chroma"

    @property
    def learners_url(self) -> str:
        """The learner store's SQLAlchemy URL: TUTOR_DATABASE_URL, or SQLite under TUTOR_HOME."""
        return self.database_url or f"sqlite:///{self.home / 'learners.sqlite3'}"

    @property
    def models_dir(self) -> Path:
        """Where the GGUF model file is assembled."""
        return self.home / "models"
