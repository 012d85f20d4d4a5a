"""The Slack bot's service host: :class:`agent.sync.ServiceHost` (one AgentService on a loop thread)."""

from reelforge.agent.sync import ServiceHost, SyncAgentService

__all__ = ["ServiceHost", "SyncAgentService"]
