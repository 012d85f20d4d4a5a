"""Who a thread belongs to: owner keys for the three front doors, and the one rule for who may act on it.

An owner key is a plain string kept on the thread's :class:`agent.state.Production` (and on every upload):

- ``local:<os user>`` — the person at the terminal (``reelforge chat``, ``reelforge make``) and the studio
  when it runs without logins;
- ``web:<login>`` — a studio user signed in with ``REELFORGE_UI_USERS``;
- ``slack:<team>:<user>`` — the Slack user who started the conversation.

:func:`may_act` is the single check the front doors ask before listing, opening, approving or serving
anything of a thread. A thread with no recorded owner (made before owners existed) belongs to the local
user, who — being the machine's own user — may also open the studio's and Slack's threads.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable


def local_owner() -> str:
    """The owner key of the person at this machine."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = "user"
    return f"local:{name}"


def web_owner(login: str | None) -> str:
    """The studio's owner key: the signed-in login, or the local user when the studio has no logins."""
    return f"web:{login}" if login else local_owner()


def slack_owner(team: str, user: str) -> str:
    """A Slack user's owner key (team and user ids)."""
    return f"slack:{team}:{user}"


def owner_of(owner: str | None) -> str:
    """A thread's effective owner: threads without one belong to the local user."""
    return owner or local_owner()


def may_act(thread_owner: str | None, who: str, *, approvers: Iterable[str] = ()) -> bool:
    """True when ``who`` may see and act on a thread owned by ``thread_owner``: its owner, a named approver,
    or the person at this machine (the terminal, or the studio without logins), who holds every thread's
    files anyway."""
    return who in (owner_of(thread_owner), local_owner()) or who in set(approvers)
