"""`reelforge slack [--http --port N]`: run the Slack bot in Socket Mode (default) or HTTP mode."""

from __future__ import annotations

import logging

import typer

from reelforge.tools.settings import Settings, get_settings


def missing_credentials(settings: Settings, *, http: bool) -> list[str]:
    """The Slack variables this mode needs that are not set."""
    needed = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN"]
    return [name for name in needed if not settings.secret(name)]


def run_slack(*, http: bool, port: int, host: str) -> None:
    """Open the agent service and serve Slack until interrupted."""
    from slack_sdk import WebClient

    from reelforge.agent.service import AgentService
    from reelforge.ui.slack_app import build_app, serve_http, serve_socket_mode
    from reelforge.ui.slack_host import ServiceHost

    settings = get_settings()
    with ServiceHost(lambda: AgentService.open(settings)) as svc_host:
        svc_host.call(lambda svc: svc.warm())
        client = WebClient(token=settings.secret("SLACK_BOT_TOKEN"), **(
            {"base_url": settings.slack_api_url} if settings.slack_api_url else {}))
        app = build_app(svc_host, client, signing_secret=settings.secret("SLACK_SIGNING_SECRET") or "",
                        socket_mode=not http, settings=settings)
        if http:
            typer.echo(f"reelforge Slack bot: HTTP mode on {host}:{port} — Request URL path /slack/events")
            serve_http(app, port, host)
        else:
            typer.echo("reelforge Slack bot: Socket Mode — connected; Ctrl-C to stop")
            serve_socket_mode(app, settings.secret("SLACK_APP_TOKEN") or "")


def register(app: typer.Typer) -> None:
    """Add ``reelforge slack`` to the CLI."""

    @app.command("slack")
    def slack_command(
        http: bool = typer.Option(False, "--http", help="Serve signed HTTP requests instead of Socket Mode."),
        port: int = typer.Option(3000, "--port", help="HTTP mode: the port to listen on."),
        host: str = typer.Option("0.0.0.0", "--host", help="HTTP mode: the address to bind."),
    ) -> None:
        """Run the Slack bot: @mention it or DM it a video idea; approve the storyboard in the thread."""
        missing = missing_credentials(get_settings(), http=http)
        if missing:
            mode = "HTTP mode" if http else "Socket Mode"
            typer.echo(f"error: {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set "
                       f"(needed for {mode}; see the Slack section of the README).", err=True)
            raise typer.Exit(2)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        try:
            run_slack(http=http, port=port, host=host)
        except KeyboardInterrupt:
            pass
        except Exception as exc:  # noqa: BLE001 - one plain line, never a traceback
            from reelforge.agent.events import error_event

            typer.echo(f"error: {error_event(exc, 'starting the Slack bot').message}", err=True)
            raise typer.Exit(1) from None
