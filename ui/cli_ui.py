"""`reelforge ui`: serve the Gradio studio on this machine."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``reelforge ui`` to the CLI."""

    @app.command("ui")
    def ui_command(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 for your LAN)."),
        port: int = typer.Option(7860, "--port", help="Port to listen on."),
    ) -> None:
        """Open the studio in your browser: chat, storyboard approval, live progress, players and downloads.
        Set REELFORGE_UI_USERS="alice:pw,bob:pw2" to require a login."""
        from reelforge.ui.gradio_app import launch

        try:
            print(f"reelforge studio on http://{host}:{port}  (Ctrl+C to stop)", flush=True)
            launch(host, port)
        except (ValueError, OSError) as exc:
            typer.echo(f"error: {str(exc).splitlines()[0]}", err=True)
            raise typer.Exit(2) from None
