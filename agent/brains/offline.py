"""The built-in offline director: a deterministic, rule-based chat model with tool calling.

It reads the conversation (user turns and tool observations), fills the brief with defaults, plans,
explains the model choices and submits the storyboard — the same graph and tools as an LLM brain.
When a request is too vague it asks one question; it says plainly what it cannot understand.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from reelforge.agent.brains.parse import ParsedRequest, parse_request
from reelforge.agent.consent import CONSENT_WORDS as CONSENT
from reelforge.agent.consent import sentences
from reelforge.agent.tool_result import result_of

QUESTION = ("What is the video about? For example: \"a 20 second teaser for a coffee shop, vertical\". "
            "Unless you say otherwise I'll make it 30 s, vertical 9:16, with a $5 budget.")
HELP = ("I didn't understand that. I can change the length, format (vertical / square / landscape), tone, "
        "music, voice, language or budget, or start a new video — e.g. \"make it 15 seconds, square\".")
REJECTION = re.compile(r"^I reject storyboard v\d+:\s*(.*)$", re.DOTALL)
CLONE = re.compile(r"\bclon(e|ing)\b|\bmy (own )?voice\b", re.I)
SCENE_KIND = re.compile(r"\b(stock(?:\s+(?:footage|photos?|images?))?|b-?roll|real footage|presenter|avatar|talking head|"
                        r"(?:ai[- ])?generated|motion graphics?|infographics?|animated text|kinetic typography)\b", re.I)
SCENE_REF = re.compile(r"\bscenes?\s+#?(\d+)((?:\s*(?:,|and|&)\s*#?\d+)*)\b|\b(all|every|each)\s+scenes?\b", re.I)
PRESENTER = re.compile(r"\b(presenter|on[- ]screen|on camera|picture[- ]in[- ]picture|pip|host|avatar|me in (?:it|the video)"
                       r"|photo of me|video of me|my (?:face|photo|picture|video))\b", re.I)
PRODUCE_ASK = re.compile(r"\b(?:produce|render|generate|export|go ahead|do it|make it|ship it|start (?:it|now))\b", re.I)
PRODUCE = re.compile(r"^\s*(retry|try again|produce( it)?|render( it)?|go ahead|make it now)\s*[.!]?\s*$", re.I)


def _call(name: str, args: dict[str, Any], n: int) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"offline_{n}_{name}", "type": "tool_call"}


class OfflineDirector(BaseChatModel):
    """Rule-based director; ``bind_tools`` records tool names and returns a copy (calls stay deterministic)."""

    tool_names: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "reelforge-offline-director"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineDirector:  # type: ignore[override]
        names = tuple(getattr(t, "name", None) or getattr(t, "__name__", str(t)) for t in tools)
        return self.model_copy(update={"tool_names": names})

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=decide(messages))])


def _had_success(messages: list[BaseMessage], tool: str) -> bool:
    return any(isinstance(m, ToolMessage) and m.name == tool and m.status != "error" for m in messages)


def _human_messages_since_brief(messages: list[BaseMessage]) -> list[HumanMessage]:
    out: list[HumanMessage] = []
    for m in reversed(messages):
        if isinstance(m, ToolMessage) and m.name == "update_brief":
            break
        if isinstance(m, HumanMessage):
            out.append(m)
    return list(reversed(out))


def attached(*messages: BaseMessage) -> list[str]:
    """The names of the files uploaded with these messages (recorded by the service, never typed)."""
    return [str(a.get("name")) for m in messages for a in (m.additional_kwargs or {}).get("attachments", [])
            if isinstance(a, dict) and a.get("name")]


def decide(messages: list[BaseMessage]) -> AIMessage:
    """The next message of the offline director for this conversation."""
    n = len(messages)
    last = messages[-1]
    if isinstance(last, ToolMessage):
        return _after_tools(messages, n)
    if isinstance(last, HumanMessage):
        return _after_user(messages, str(last.content), n, attached(last))
    return AIMessage("How can I help with your video?")


def _after_user(messages: list[BaseMessage], text: str, n: int, files: list[str]) -> AIMessage:
    has_brief = _had_success(messages, "update_brief")
    rejected = REJECTION.match(text)
    if rejected:
        feedback = rejected.group(1).strip()
        if use := _kept_file_call(feedback, messages, n):
            return use
        if kind := _scene_kind_calls(feedback, messages, n):
            return kind
        req = parse_request(feedback)
        args = dict(req.patch) or ({"note": feedback} if feedback and feedback != "no reason given" else {})
        intro = "Understood — I'll revise the storyboard" + (f" ({feedback})." if feedback else ".")
        if not args:
            return AIMessage(intro, tool_calls=[_call("plan_scenes", {}, n)])
        return AIMessage(intro, tool_calls=_brief_calls(args, n))
    if clone := _clone_call(text, files, n):
        return clone
    if presenter := _presenter_call(text, files, n):
        if not has_brief and (req := parse_request(_without_presenter_talk(text))).goal:
            presenter.tool_calls.append(_call("update_brief", {**req.patch, "goal": req.goal}, n + 1))
        return presenter
    if has_brief and (kind := _scene_kind_calls(text, messages, n)):
        return kind
    if has_brief and PRODUCE.match(text):
        return AIMessage("Trying production again.", tool_calls=[_call("produce_video", {}, n)])
    if has_brief:
        req = parse_request(text, files)
        args = dict(req.patch)
        if req.goal and (req.content_words >= 3 or req.urls or req.documents):
            args["goal"] = req.goal
        if req.urls or req.documents:
            return _read_first(req, n)
        if args:
            return AIMessage(_caveats(req, "Updating the brief."), tool_calls=_brief_calls(args, n))
        return AIMessage(_caveats(req, HELP) if req.caveats else HELP)
    humans = _human_messages_since_brief(messages)
    req = parse_request(". ".join(str(m.content) for m in humans), attached(*humans))
    if req.urls or req.documents:
        return _read_first(req, n)
    latest = parse_request(text)
    goal = latest.goal or req.goal
    if not goal and PRODUCE_ASK.search(text):
        return AIMessage(_caveats(req, "Nothing is planned yet, so there is nothing to produce. " + QUESTION))
    if not goal:
        return AIMessage(_caveats(req, QUESTION))
    args = {**req.patch, "goal": goal}
    return AIMessage(_caveats(req, "Got it — setting up the brief."), tool_calls=[_call("update_brief", args, n)])


def _kept_file_call(feedback: str, messages: list[BaseMessage], n: int) -> AIMessage | None:
    """A rejection that says what a file sent earlier is for ("reject: show photo.jpg as the on-screen presenter,
    it is me"): the file's stored name picks it among the person's uploads (data), never a typed path."""
    low = feedback.lower()
    named = [f for f in attached(*(m for m in messages if isinstance(m, HumanMessage))) if f.lower() in low]
    if not named:
        return None
    if use := _clone_call(feedback, named, n) or _presenter_call(feedback, named, n):
        return use
    req = parse_request(feedback, named)
    return _read_first(req, n) if req.documents else None


def _clone_call(text: str, files: list[str], n: int) -> AIMessage | None:
    """An uploaded voice sample with a request to clone it (the tool finds the user's own consent, or
    refuses, as it must)."""
    req = parse_request(text, files)
    if not req.audio or not CLONE.search(text):
        return None
    args = {"sample_path": req.audio[0], "name": "my voice"}
    return AIMessage("Checking the voice sample first.", tool_calls=[_call("clone_voice", args, n)])


def _brief_calls(args: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """An existing brief's changes: a voice goes through select_voice (checked against the voices usable
    now), the rest through update_brief."""
    args = dict(args)
    voice = args.pop("voice", None)
    calls = [_call("update_brief", args, n)] if args else []
    if voice:
        calls.append(_call("select_voice", {"voice": voice}, n + 1))
    return calls


def _scene_kind_calls(text: str, messages: list[BaseMessage], n: int) -> AIMessage | None:
    """"make scene 2 stock footage", "scenes 1 and 3 should be presenter", "use stock for all scenes"."""
    kind_m, ref = SCENE_KIND.search(text), SCENE_REF.search(text)
    if not kind_m or not ref or not _had_success(messages, "plan_scenes"):
        return None
    from reelforge.agent.scenes import scene_kind

    kind = scene_kind(re.sub(r"\s+(footage|photos?|images?)$", "", kind_m.group(1).lower()))
    if ref.group(3):
        count = _scene_count(messages)
        numbers = list(range(1, count + 1))
    else:
        numbers = [int(ref.group(1)), *(int(x) for x in re.findall(r"\d+", ref.group(2) or ""))]
    calls = [_call("set_scene_kind", {"scene": k, "kind": kind}, n * 100 + k) for k in dict.fromkeys(numbers)]
    if not calls:
        return None
    where = "every scene" if ref.group(3) else "scene " + ", ".join(str(k) for k in numbers)
    return AIMessage(f"Making {where} {kind}.", tool_calls=calls)


def _scene_count(messages: list[BaseMessage]) -> int:
    """Scenes in the latest storyboard a tool reported (its structured result)."""
    for m in reversed(messages):
        if isinstance(m, ToolMessage) and (count := result_of(m.artifact).scenes) is not None:
            return count
    return 0


def _presenter_call(text: str, files: list[str], n: int) -> AIMessage | None:
    """An uploaded photo / short video of the user to show on screen (the tool finds their consent)."""
    req = parse_request(text, files)
    if not req.pictures or not (PRESENTER.search(text) or CONSENT.search(text)):
        return None
    args = {"path": req.pictures[0]}
    return AIMessage("Checking your presenter upload first.", tool_calls=[_call("set_presenter", args, n)])


def _without_presenter_talk(text: str) -> str:
    """The request without the sentences about the presenter upload and its consent."""
    return " ".join(s for s in sentences(text) if s.strip() and not PRESENTER.search(s) and not CONSENT.search(s))


def _read_first(req: ParsedRequest, n: int) -> AIMessage:
    source = (req.urls or req.documents)[0]
    return AIMessage(_caveats(req, f"Reading {source} first."), tool_calls=[_call("read_source", {"url_or_path": source}, n)])


def _caveats(req: ParsedRequest, text: str) -> str:
    return " ".join([*req.caveats, text]) if req.caveats else text


def _request_args(messages: list[BaseMessage]) -> dict[str, Any]:
    """Brief fields from the user turns since the last brief update (after a source was read)."""
    humans = _human_messages_since_brief(messages)
    req = parse_request(". ".join(str(m.content) for m in humans), attached(*humans))
    args = dict(req.patch)
    if not _had_success(messages, "update_brief"):
        title = next((result_of(msg.artifact).source_title for msg in reversed(messages)
                      if isinstance(msg, ToolMessage) and msg.name == "read_source"), "")
        kind = req.kind_noun if req.kind_noun and req.kind_noun != "video" else "short video"
        article = "an" if kind[0] in "aeiou" else "a"
        fallback = f"{article} {kind} about {title}" if title else f"{article} {kind} about the source"
        args["goal"] = req.goal if req.goal and req.content_words >= 2 else fallback
    elif req.goal and req.content_words >= 3:
        args["goal"] = req.goal
    return args


def _reroute_only(messages: list[BaseMessage]) -> bool:
    """The last brief update changed only the budget / preference / keyframes of an existing storyboard: re-route
    it (keeping the user's forced models; routing draws the keyframes) instead of planning again."""
    if not _had_success(messages, "plan_scenes"):
        return False
    call = next((m for m in reversed(messages) if isinstance(m, AIMessage) and m.tool_calls), None)
    if call is None or [c["name"] for c in call.tool_calls] != ["update_brief"]:
        return False
    args = set(call.tool_calls[0]["args"])
    return bool(args) and args <= {"budget_usd", "preference", "keyframes"}


def _sound_only(messages: list[BaseMessage]) -> bool:
    """The last changes touched only the voice, music or captions of an existing storyboard: no re-plan."""
    if not _had_success(messages, "plan_scenes"):
        return False
    call = next((m for m in reversed(messages) if isinstance(m, AIMessage) and m.tool_calls), None)
    if call is None or not {c["name"] for c in call.tool_calls} <= {"update_brief", "select_voice", "select_music"}:
        return False
    args = {k for c in call.tool_calls if c["name"] == "update_brief" for k in c["args"]}
    return args <= {"voice", "music_mood", "captions"}


def _after_tools(messages: list[BaseMessage], n: int) -> AIMessage:
    results: list[ToolMessage] = []
    for m in reversed(messages):
        if not isinstance(m, ToolMessage):
            break
        results.append(m)
    results.reverse()
    failed = [r for r in results if r.status == "error"]
    if failed:
        return AIMessage("I couldn't do that: " + " ".join(str(r.content) for r in failed))
    done = results[-1]
    obs = str(done.content)
    if done.name == "read_source":
        return AIMessage(obs, tool_calls=[_call("update_brief", _request_args(messages), n)])
    if done.name in ("update_brief", "select_voice", "select_music") and _sound_only(messages):
        summary = " ".join(str(r.content).removeprefix("Brief: ") for r in results if r.name != "update_brief")
        return AIMessage((summary + " " if summary else "") + "The scenes stay as they are; sending the storyboard "
                         "for your review.", tool_calls=[_call("submit_storyboard", {}, n)])
    if done.name == "update_brief" and _reroute_only(messages):
        return AIMessage(f"{obs.removeprefix('Brief: ')}. Re-routing the storyboard without planning it again.",
                         tool_calls=[_call("select_models", {"reroute": True}, n)])
    if done.name == "set_scene_kind":
        notes = [note for r in results for note in result_of(r.artifact).notes[:1]]
        return AIMessage(" ".join(notes) + "\nSending the storyboard for your review.",
                         tool_calls=[_call("submit_storyboard", {}, n)])
    if done.name == "set_presenter" and _had_success(messages, "plan_scenes"):
        return AIMessage(obs + " Sending the storyboard for your review.", tool_calls=[_call("submit_storyboard", {}, n)])
    if done.name == "set_presenter" and not _had_success(messages, "update_brief"):
        return AIMessage(obs + " Now tell me what the video is about.")
    if done.name in ("update_brief", "select_voice", "select_music", "clone_voice", "set_presenter"):
        summary = obs.removeprefix("Brief: ")
        return AIMessage(f"Here's the brief: {summary}. Planning the scenes now.",
                         tool_calls=[_call("plan_scenes", {}, n)])
    if done.name == "plan_scenes":
        notes = " ".join(note[:1].upper() + note[1:] + "." for note in result_of(done.artifact).notes)
        return AIMessage(notes, tool_calls=[_call("select_models", {}, n)])
    if done.name == "select_models":
        found = result_of(done.artifact)
        choices = found.choices + ([f"Warning: {found.warning}"] if found.warning else [])
        text = "Model choices:\n" + "\n".join(choices) if choices else obs
        return AIMessage(text + "\nSending the storyboard for your review.",
                         tool_calls=[_call("submit_storyboard", {}, n)])
    return AIMessage(obs)
