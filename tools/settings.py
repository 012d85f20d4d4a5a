"""Settings: `REELFORGE_*` environment variables, a `.env` file, and provider keys by their usual names."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import platformdirs
from dotenv import dotenv_values
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Preference = str  # "quality" | "balanced" | "cheap" | "fast"
OPENAI_API_URL = "https://api.openai.com/v1"  # OpenAI's own API: the default LLM endpoint, Sora, gpt-image-1


class Settings(BaseSettings):
    """Everything a user can configure. Provider keys are read with :meth:`secret` by their usual names."""

    model_config = SettingsConfigDict(env_prefix="REELFORGE_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=lambda: platformdirs.user_data_path("reelforge"))
    ffmpeg: str | None = None
    # The brain: any OpenAI-compatible chat endpoint; OPENAI_API_KEY / OPENAI_BASE_URL are read by name.
    llm_model: str = "gpt-4.1-mini"
    llm_temperature: float = 0.2
    brain: str = "auto"  # auto | offline | llm (auto: the LLM only when REELFORGE_LLM_MODEL or OPENAI_BASE_URL is set)
    llm_streaming: bool = True  # false for servers that cannot stream chat completions
    max_tool_calls: int = Field(12, ge=1, le=100)  # per user message, then a plain message (the loop cannot run away)
    llm_history_tokens: int = Field(2500, ge=500)  # earlier turns shown to the LLM are trimmed to this budget
    database_url: SecretStr | None = None
    # Scale-out (README "Scale out"): the task engine's broker, the progress channel, the asset store.
    queue_url: SecretStr | None = None  # amqp://… or redis://…: production and assembly run on `reelforge worker`s
    events_url: SecretStr | None = None  # redis://… for progress across processes (default: queue_url if Redis)
    queue_prefix: str = "reelforge"  # queue names: <prefix>.clips and <prefix>.render
    queue_visibility_s: int = 3600  # Redis broker only: a killed worker's task goes to another after this
    asset_store: str = ""  # s3://bucket/prefix; empty = the local folder <home>/store
    s3_endpoint_url: str = ""  # an S3-compatible endpoint (MinIO, R2, moto…); empty = AWS
    s3_region: str = ""
    presign_s: int = 24 * 3600  # how long a delivered file's download link works
    slack_api_url: str = ""  # a Slack Web API base URL (tests, proxies); empty = https://slack.com/api/
    allow_private_urls: bool = False
    max_fetch_bytes: int = 5 * 1024 * 1024
    fetch_timeout_s: float = 20.0
    # Defaults applied to a new brief.
    default_aspects: str = "9:16"
    default_duration_s: float = 30.0
    default_budget_usd: float = 5.0
    default_preference: str = "balanced"
    default_voice: str = "auto"
    default_music_mood: str = "auto"
    # Production.
    provider_timeout_s: float = 900.0
    http_timeout_s: float = 60.0  # one request to a provider's API (connect, send, answer)
    max_parallel_shots: int = 8
    fps: int = 30
    crf: int = 20
    x264_preset: str = "veryfast"
    segment_cache_mb: int = 4096  # encoded spans kept so an edit re-encodes only what changed (<home>/cache)
    # Brand kit for motion graphics (tools/graphics/brand.py): empty = colours from each shot's look.
    brand_colors: str = ""  # "#0b1f4d,#ffb000,#ffffff": background, accent, text (any of them may be left out)
    brand_font: Path | None = None  # a .ttf/.otf for headings and body text
    brand_display_font: Path | None = None  # a .ttf/.otf for big figures (default: the heading font)
    brand_logo: Path | None = None  # a PNG (transparent background works best) shown on title and end cards
    # Voice and music.
    elevenlabs_base_url: str = "https://api.elevenlabs.io"
    elevenlabs_model: str = ""  # empty: by preference (multilingual_v2 for quality, flash_v2_5 for cheap/fast)
    piper_length_scale: float = 1.2  # >1 speaks slower: 1.0 is ~195 wpm, 1.2 ~175 wpm (narration pace)
    music_dir: Path | None = None  # the user's music library; default <home>/music
    # Front doors.
    ui_users: SecretStr | None = None  # "alice:pw,bob:pw2"
    slack_allowed_teams: str = ""  # comma-separated team ids; empty = any
    slack_allowed_channels: str = ""  # comma-separated channel ids; empty = any
    slack_approvers: str = ""  # comma-separated Slack user ids who may approve anyone's storyboard
    max_upload_mb: float = 100.0  # the largest file a person may upload (studio, Slack, chat --attach)
    # Direct video vendors (tools/clips/<vendor>.py): base URL overrides; empty = the vendor's public API.
    kling_base_url: str = ""  # default https://api-singapore.klingai.com
    minimax_base_url: str = ""  # default https://api.minimax.io (mainland China: https://api.minimaxi.com)
    veo_base_url: str = ""  # default https://generativelanguage.googleapis.com/v1beta
    vertex_base_url: str = ""  # default https://{GOOGLE_CLOUD_LOCATION}-aiplatform.googleapis.com/v1
    runway_base_url: str = ""  # default https://api.dev.runwayml.com
    runway_api_version: str = "2024-11-06"  # X-Runway-Version header
    sora_base_url: str = ""  # default https://api.openai.com/v1 (OPENAI_BASE_URL is NOT used for video)
    seedance_base_url: str = ""  # default https://ark.ap-southeast.bytepluses.com/api/v3
    luma_base_url: str = ""  # default https://api.lumalabs.ai/dream-machine/v1

    def secret(self, name: str) -> str | None:
        """A credential by its conventional name (e.g. ``FAL_KEY``) from the environment or ``.env``."""
        value = os.environ.get(name)
        if value is None:
            value = _dotenv().get(name)
        return value or None

    def has(self, *names: str) -> bool:
        """True when every named credential is set."""
        return all(self.secret(n) for n in names)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def store_dir(self) -> Path:
        return self.home / "store"

    @property
    def outputs_dir(self) -> Path:
        return self.home / "outputs"

    @property
    def segment_cache_dir(self) -> Path:
        return self.home / "cache" / "segments"

    @property
    def checkpoint_path(self) -> Path:
        return self.home / "checkpoints.sqlite"

    def ensure_dirs(self) -> None:
        for d in (self.home, self.store_dir, self.outputs_dir):
            d.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def _dotenv() -> dict[str, str | None]:
    path = Path(".env")
    return dotenv_values(path) if path.is_file() else {}


def get_settings() -> Settings:
    """Fresh settings from the current environment (cheap; call where needed rather than caching globally)."""
    return Settings()
