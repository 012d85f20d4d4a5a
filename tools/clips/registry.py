"""The model registry: TOML data files describing every clip model, its gateways, prices and strengths.

Files ``tools/clips/registry/*.toml`` (sorted) are deep-merged by model id, then the user's
``$REELFORGE_HOME/models.toml``; a later file adds models or changes fields without code.
Adapter constructor convention (see docs/interfaces.md): ``Adapter(settings=..., base_url=...)``,
keyword arguments passed only when the class's ``__init__`` accepts them.
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from reelforge.tools.clips.base import ClipProvider, ClipRequest
from reelforge.tools.production import FORMATS, TRAITS
from reelforge.tools.settings import Settings

REGISTRY_DIR = Path(__file__).with_name("registry")
USER_FILE = "models.toml"
#: Gateway preference when two usable gateways cost the same.
GATEWAY_ORDER = ("local", "direct", "fal", "replicate", "comfyui")

ModelKind = Literal["video", "stock", "avatar", "offline", "image"]
Mode = Literal["text-to-video", "image-to-video", "video-to-video"]
#: What an avatar model can present: a vendor ``avatar`` (needs ``params.avatar_id`` on a gateway),
#: the user's ``image`` (photo) or ``video`` (lip-synced).
PresenterInput = Literal["avatar", "image", "video"]


class RegistryError(ValueError):
    """A registry file is unreadable or invalid; the message names the file and the key."""


class Gateway(BaseModel):
    """One way to reach a model: an adapter class, the credentials it needs and the gateway's model id."""

    adapter: str
    env: list[str] = Field(default_factory=list)
    model: str = ""
    model_i2v: str = ""
    model_ref: str = ""  # the id for a request that carries reference images (a reference-to-video endpoint)
    params: dict[str, Any] = Field(default_factory=dict)
    price_per_s: float | None = None  # overrides the model's price on this gateway
    price_per_image: float | None = None  # image models: overrides the model's price per image on this gateway
    base_url_env: str = ""  # env var with a base-URL override; default REELFORGE_<GATEWAY>_BASE_URL
    concurrency: int | None = Field(default=None, ge=1)  # account-wide jobs at once, shared by every model
    #                                                     on this gateway with this adapter (model limit still applies)

    @field_validator("adapter")
    @classmethod
    def _dotted(cls, v: str) -> str:
        if ":" not in v:
            raise ValueError(f"adapter {v!r} must look like 'package.module:ClassName'")
        return v


class ModelSpec(BaseModel):
    """One clip model as the router sees it."""

    id: str
    family: str
    name: str = ""
    kind: ModelKind = "video"
    modes: list[Mode] = Field(default_factory=lambda: ["text-to-video"])
    durations: list[float] = Field(default_factory=list)
    duration_range: tuple[float, float] | None = None
    aspects: list[str] = Field(default_factory=lambda: ["16:9"])
    resolutions: list[str] = Field(default_factory=list)
    native_audio: bool = False  # the model can generate sound with the picture
    extend_step_s: float = 0.0  # seconds one "extend" call adds to a clip it made (0: cannot extend)
    max_extended_s: float = 0.0  # the longest clip reachable by extending (0: max_clip_s)
    first_last_frame: bool = False  # takes a last frame as well as a first frame
    references: int = 0  # reference images/videos it accepts for subjects and style (0: none)
    video_edit: bool = False  # edits an existing video from a prompt (video-to-video)
    checked: date | None = None  # when these facts were last checked against the vendor's documentation
    presenter_inputs: list[PresenterInput] = Field(default_factory=list)  # avatar models only
    price_per_s: float = 0.0
    price_per_image: float = 0.0  # image models (kind "image"): USD per image
    billing_step_s: float = 0.0  # billed in whole steps of this many seconds (D-ID: 15); 0 = per second
    price_source: str = ""
    latency_s: float = 120.0
    concurrency: int = 2
    retired: bool = False
    retire_date: date | None = None
    retire_reason: str = ""
    unverified: list[str] = Field(default_factory=list)
    strengths: dict[str, float] = Field(default_factory=dict)
    gateways: dict[str, Gateway] = Field(default_factory=dict)
    notes: str = ""

    @field_validator("aspects")
    @classmethod
    def _aspects(cls, v: list[str]) -> list[str]:
        bad = [a for a in v if a not in FORMATS and a != "any"]
        if bad:
            raise ValueError(f"unknown aspect ratio(s) {bad}; use {list(FORMATS)} or 'any'")
        return v

    @field_validator("strengths")
    @classmethod
    def _strengths(cls, v: dict[str, float]) -> dict[str, float]:
        for k, s in v.items():
            if k not in TRAITS:
                raise ValueError(f"unknown trait {k!r}; traits are {', '.join(TRAITS)}")
            if not 0.0 <= s <= 1.0:
                raise ValueError(f"strength {k}={s} must be between 0 and 1")
        return v

    @model_validator(mode="after")
    def _lengths(self) -> ModelSpec:
        if self.kind == "image":
            if self.concurrency < 1:
                raise ValueError("concurrency must be at least 1")
            return self  # an image has no length
        if not self.durations and self.duration_range is None:
            raise ValueError("give durations = [...] or duration_range = [min, max]")
        if self.duration_range is not None and not 0 < self.duration_range[0] <= self.duration_range[1]:
            raise ValueError(f"duration_range {list(self.duration_range)} must be [min, max] with 0 < min <= max")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        return self

    @property
    def can_extend(self) -> bool:
        return self.extend_step_s > 0

    @property
    def longest_s(self) -> float:
        """The longest continuous clip: one generation, plus extensions where the model can extend."""
        if not self.can_extend:
            return self.max_clip_s
        return max(self.max_clip_s, self.max_extended_s or self.max_clip_s)

    def extension_plan(self, seconds: float) -> list[float]:
        """The seconds each extend call adds so that one generation plus extensions covers ``seconds``
        continuously; empty when one generation covers it, or when the model cannot reach that length."""
        if not self.can_extend or seconds <= self.max_clip_s + 1e-6 or seconds > self.longest_s + 1e-6:
            return []
        rest, steps = seconds - self.max_clip_s, []
        while rest > 1e-6:
            steps.append(round(min(self.extend_step_s, rest), 3))
            rest -= steps[-1]
        return steps

    @property
    def capabilities(self) -> dict[str, Any]:
        """What the router and the studio may ask of this model, as plain data."""
        return {"extend": self.can_extend, "extend_step_s": self.extend_step_s,
                "max_extended_s": self.longest_s if self.can_extend else 0.0,
                "first_last_frame": self.first_last_frame, "references": self.references,
                "native_audio": self.native_audio, "video_edit": self.video_edit,
                "image_to_video": "image-to-video" in self.modes}

    def stale(self, today: date | None = None, max_age_days: int = 90) -> bool:
        """True when the row's facts were never checked, or checked more than ``max_age_days`` ago."""
        today = today or date.today()
        return self.checked is None or (today - self.checked).days > max_age_days

    @property
    def max_clip_s(self) -> float:
        return self.duration_range[1] if self.duration_range else max(self.durations)

    @property
    def min_clip_s(self) -> float:
        return self.duration_range[0] if self.duration_range else min(self.durations)

    def clip_length(self, seconds: float) -> float:
        """The clip length to request for ``seconds`` of footage (<= max_clip_s): the shortest that covers it."""
        if self.duration_range:
            lo, hi = self.duration_range
            return round(min(hi, max(lo, seconds)), 3)
        covering = [d for d in sorted(self.durations) if d >= seconds - 1e-6]
        return covering[0] if covering else max(self.durations)

    def billed_seconds(self, seconds: float) -> float:
        """The seconds a clip of ``seconds`` is billed for (rounded up to ``billing_step_s``)."""
        if self.billing_step_s <= 0:
            return seconds
        return math.ceil(seconds / self.billing_step_s - 1e-9) * self.billing_step_s

    def supports_aspect(self, aspect: str) -> bool:
        return "any" in self.aspects or aspect in self.aspects

    def strength(self, trait: str) -> float:
        return self.strengths.get(trait, 0.5)

    def presenter_issue(self, source: str | None) -> str | None:
        """For an avatar model: None when it can present ``source`` ("image" / "video" = the user's upload,
        None = no upload), else why not. A vendor avatar counts only with ``params.avatar_id`` configured."""
        if self.kind != "avatar" or not self.presenter_inputs:
            return None
        if source in self.presenter_inputs:
            return None
        if "avatar" in self.presenter_inputs and any(gw.params.get("avatar_id") for gw in self.gateways.values()):
            return None
        wants = [{"avatar": "a configured avatar_id", "image": "your photo", "video": "your video"}[i]
                 for i in self.presenter_inputs]
        return f"needs {' or '.join(wants)}"

    def retired_reason(self, today: date | None = None) -> str | None:
        """Why the model can no longer be used, or None."""
        today = today or date.today()
        if self.retired:
            return self.retire_reason or "retired"
        if self.retire_date and today >= self.retire_date:
            return self.retire_reason or f"retired on {self.retire_date.isoformat()}"
        return None


@dataclass(frozen=True)
class Availability:
    """Whether a model can be used now, on which gateway, and if not, why."""

    model_id: str
    ok: bool
    gateway: str | None = None
    reason: str = ""
    price_per_s: float = 0.0


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML ({exc})") from exc
    models = data.get("models", {})
    if not isinstance(models, dict):
        raise RegistryError(f"{path}: [models] must be a table keyed by model id")
    return models


def _meets(req: ClipRequest, only: dict[str, Any]) -> bool:
    """``req`` fits a hosted model's conditions for reference images (``_references_only``)."""
    if "seconds" in only and math.ceil(req.seconds - 1e-6) != only["seconds"]:
        return False
    if "aspect" in only and req.aspect != only["aspect"]:
        return False
    return only.get("first_frame", True) or req.mode != "image-to-video"


def _adapter_module(name: str) -> str:
    """The module of an adapter path; a models.toml written before the move under reelforge.* still loads."""
    return f"reelforge.{name}" if name.startswith("tools.") else name


class Registry:
    """Validated models keyed by id, plus availability checks and adapter construction."""

    def __init__(self, models: dict[str, ModelSpec], sources: list[str] | None = None,
                 user_ids: set[str] | None = None) -> None:
        self.models = dict(sorted(models.items()))
        self.sources = sources or []
        self.user_ids = user_ids or set()  # models the user's models.toml adds or changes
        self._factories: dict[tuple[str, str], Callable[[], ClipProvider]] = {}

    # --- loading ------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, raw: dict[str, dict[str, Any]], *, origin: dict[str, str] | None = None,
                  sources: list[str] | None = None, user_ids: set[str] | None = None) -> Registry:
        """Validate raw ``{model_id: fields}`` data; errors name the file (from ``origin``) and the key."""
        models: dict[str, ModelSpec] = {}
        for model_id, fields in raw.items():
            where = (origin or {}).get(model_id, "registry")
            if not isinstance(fields, dict):
                raise RegistryError(f"{where}: [models.{model_id}] must be a table")
            try:
                models[model_id] = ModelSpec.model_validate({**fields, "id": model_id})
            except ValidationError as exc:
                errs = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(model)'}: {e['msg']}"
                                 for e in exc.errors())
                raise RegistryError(f"{where}: [models.{model_id}] {errs}") from exc
        return cls(models, sources, user_ids)

    @classmethod
    def load(cls, settings: Settings, *, extra_files: list[Path] | None = None) -> Registry:
        """Merge the bundled registry files (sorted), ``extra_files``, then ``$REELFORGE_HOME/models.toml``."""
        files = sorted(REGISTRY_DIR.glob("*.toml"))
        files += list(extra_files or [])
        user = Path(settings.home) / USER_FILE
        if user.is_file():
            files.append(user)
        raw: dict[str, Any] = {}
        origin: dict[str, str] = {}
        user_ids: set[str] = set()
        for f in files:
            for model_id, fields in _read_toml(f).items():
                raw[model_id] = _deep_merge(raw.get(model_id, {}), fields) if isinstance(fields, dict) else fields
                origin[model_id] = str(f)
                if f == user:
                    user_ids.add(model_id)
        return cls.from_dict(raw, origin=origin, sources=[str(f) for f in files], user_ids=user_ids)

    def retired_user_models(self, today: date | None = None) -> list[tuple[str, str]]:
        """``(model id, why)`` for every retired model that the user's models.toml adds or changes."""
        return [(mid, why) for mid in sorted(self.user_ids)
                if mid in self.models and (why := self.models[mid].retired_reason(today))]

    def stale(self, today: date | None = None, max_age_days: int = 90) -> list[ModelSpec]:
        """Rows whose facts were not checked in the last ``max_age_days`` days (retired rows left out)."""
        return [m for m in self.models.values()
                if m.stale(today, max_age_days) and not m.retired_reason(today)]

    # --- queries ------------------------------------------------------------------------------

    def get(self, model_id: str) -> ModelSpec:
        try:
            return self.models[model_id]
        except KeyError:
            raise KeyError(f"unknown model {model_id!r}; known: {', '.join(self.models)}") from None

    def families(self) -> list[str]:
        return sorted({m.family for m in self.models.values()})

    def gateway_price(self, model: ModelSpec, gateway: str) -> float:
        """USD per second of video, or per image for an image model, on ``gateway``."""
        gw = model.gateways.get(gateway)
        if model.kind == "image":
            return gw.price_per_image if gw and gw.price_per_image is not None else model.price_per_image
        return gw.price_per_s if gw and gw.price_per_s is not None else model.price_per_s

    def gateway_status(self, model: ModelSpec, gateway: str, settings: Settings) -> str | None:
        """None when ``gateway`` is usable for ``model``, else the reason (missing credential names)."""
        gw = model.gateways[gateway]
        missing = [name for name in gw.env if not settings.secret(name)]
        return f"{gateway}: set {', '.join(missing)}" if missing else None

    def available(self, model: ModelSpec | str, settings: Settings, *, today: date | None = None) -> Availability:
        """Which gateway is usable for ``model`` (the cheapest, then by GATEWAY_ORDER), or why none is."""
        spec = self.get(model) if isinstance(model, str) else model
        retired = spec.retired_reason(today)
        if retired:
            return Availability(spec.id, False, None, retired)
        if not spec.gateways:
            return Availability(spec.id, False, None, "no gateway configured")
        usable, reasons = [], []
        for name in spec.gateways:
            why = self.gateway_status(spec, name, settings)
            (reasons.append(why) if why else usable.append(name))
        if not usable:
            return Availability(spec.id, False, None, "; ".join(r for r in reasons if r))
        rank = {g: i for i, g in enumerate(GATEWAY_ORDER)}
        best = min(usable, key=lambda g: (self.gateway_price(spec, g), rank.get(g, len(rank)), g))
        return Availability(spec.id, True, best, f"via {best}", self.gateway_price(spec, best))

    # --- adapters -----------------------------------------------------------------------------

    def use(self, model_id: str, gateway: str, factory: Callable[[], ClipProvider]) -> None:
        """Install an in-process provider factory for (model, gateway) — for tests and benchmarks."""
        self._factories[(model_id, gateway)] = factory

    def _adapter_class(self, model: ModelSpec, gateway: str) -> type | None:
        """The adapter class for ``model`` on ``gateway``; None when it cannot be imported."""
        module_name, _, cls_name = model.gateways[gateway].adapter.partition(":")
        try:
            return getattr(importlib.import_module(_adapter_module(module_name)), cls_name)
        except (ImportError, AttributeError):
            return None

    def _adapter_says(self, model: ModelSpec, gateway: str, flag: str) -> bool:
        """The adapter class for ``model`` on ``gateway`` sets ``flag``; an in-process provider (tests,
        benchmarks) speaks for itself when asked, so it counts as yes."""
        if (model.id, gateway) in self._factories:
            return True
        return bool(getattr(self._adapter_class(model, gateway), flag, False))

    def can_extend(self, model: ModelSpec, gateway: str | None) -> bool:
        """True when ``model`` can extend its clips and the adapter for ``gateway`` drives the extend call."""
        if not model.can_extend or not gateway or gateway not in model.gateways:
            return False
        return self._adapter_says(model, gateway, "supports_extend")

    def reference_limit(self, model: ModelSpec, gateway: str | None) -> int:
        """How many reference images reach ``model`` on ``gateway``: the model's ``references`` when the gateway's
        adapter sends them (``supports_references``) or its params name the hosted model's field
        (``_references_field``); else 0."""
        if not model.references or not gateway or gateway not in model.gateways:
            return 0
        if model.gateways[gateway].params.get("_references_field"):
            return model.references
        return model.references if self._adapter_says(model, gateway, "supports_references") else 0

    def references_for(self, model: ModelSpec, gateway: str, req: ClipRequest, pictures: list[str]) -> list[str]:
        """The reference ``pictures`` that ``req`` carries on ``gateway``: up to :meth:`reference_limit`, and none
        when the vendor cannot take them with this request: the adapter says so (``ClipProvider.takes_references``)
        or, on a hosted gateway, the request misses the row's ``_references_only`` (``seconds``, ``aspect``,
        ``first_frame = false``)."""
        limit = self.reference_limit(model, gateway)
        if not pictures or not limit:
            return []
        params = model.gateways[gateway].params
        if (model.id, gateway) in self._factories:
            takes = True
        elif params.get("_references_field"):
            takes = _meets(req, params.get("_references_only") or {})
        else:
            cls = self._adapter_class(model, gateway)
            takes = cls is not None and cls.takes_references(req)
        return pictures[:limit] if takes else []

    def provider_for(self, model_id: str, gateway: str, settings: Settings) -> ClipProvider:
        """Construct the adapter for ``model_id`` on ``gateway`` (``Adapter(settings=, base_url=)``)."""
        if (model_id, gateway) in self._factories:
            return self._factories[(model_id, gateway)]()
        spec = self.get(model_id)
        if gateway not in spec.gateways:
            raise KeyError(f"model {model_id!r} has no gateway {gateway!r}; it has {', '.join(spec.gateways)}")
        gw = spec.gateways[gateway]
        module_name, _, cls_name = gw.adapter.partition(":")
        try:
            cls = getattr(importlib.import_module(_adapter_module(module_name)), cls_name)
        except (ImportError, AttributeError) as exc:
            raise RegistryError(f"model {model_id!r} gateway {gateway!r}: cannot import adapter {gw.adapter!r} ({exc})") from exc
        env_name = gw.base_url_env or f"REELFORGE_{(gateway if gateway != 'direct' else spec.family).upper()}_BASE_URL"
        kwargs: dict[str, Any] = {"settings": settings, "base_url": os.environ.get(env_name) or None}
        params = inspect.signature(cls).parameters
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            kwargs = {k: v for k, v in kwargs.items() if k in params}
        return cls(**kwargs)
