"""Where a Slack message belongs: its conversation (Slack thread ↔ agent thread id) and whether we serve it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reelforge.tools.owners import may_act, slack_owner
from reelforge.tools.settings import Settings

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


@dataclass(frozen=True)
class SlackPlace:
    """A Slack thread: workspace, channel and the ``ts`` of the thread's first message."""

    team: str
    channel: str
    thread_ts: str

    @property
    def thread_id(self) -> str:
        """The agent thread id; stable, so the same conversation can be opened in the studio UI."""
        return f"slack-{self.team}-{self.channel}-{self.thread_ts}"


def _ids(value: str) -> set[str]:
    return {v.strip() for v in value.split(",") if v.strip()}


@dataclass(frozen=True)
class Access:
    """Which workspaces and channels the bot serves (empty = any), from ``REELFORGE_SLACK_ALLOWED_*``, and who
    besides a thread's requester may decide on its storyboard (``REELFORGE_SLACK_APPROVERS``)."""

    teams: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    approvers: frozenset[str] = frozenset()  # user ids who may decide on anyone's storyboard

    @classmethod
    def from_settings(cls, settings: Settings) -> Access:
        return cls(frozenset(_ids(settings.slack_allowed_teams)), frozenset(_ids(settings.slack_allowed_channels)),
                   frozenset(_ids(settings.slack_approvers)))

    def may_act(self, thread_owner: str | None, team: str, user: str) -> bool:
        """The requester of a thread, or a named approver, may approve, reject or change it."""
        return may_act(thread_owner, slack_owner(team, user), approvers=[slack_owner(team, u) for u in self.approvers])

    def team_ok(self, team: str | None) -> bool:
        return not self.teams or (team or "") in self.teams

    def channel_ok(self, channel: str | None, *, is_dm: bool = False) -> bool:
        """Direct messages are served whenever the workspace is; channels must be listed (if a list is set)."""
        return is_dm or not self.channels or (channel or "") in self.channels


def strip_mentions(text: str) -> str:
    """The message text without ``<@U123>`` mentions (line breaks kept: scripts are pasted line by line)."""
    return re.sub(r"[ \t]{2,}", " ", _MENTION.sub(" ", text or "")).strip()


def mentions(text: str, user_id: str | None) -> bool:
    return bool(user_id) and f"<@{user_id}" in (text or "")
