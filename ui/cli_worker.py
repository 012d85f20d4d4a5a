"""`reelforge worker`: a Celery worker that produces and renders videos for every front door
(``REELFORGE_QUEUE_URL``; see the README's "Scale out")."""

from __future__ import annotations

import os
import socket

import typer

QUEUES = ("clips", "render")


def register(app: typer.Typer) -> None:
    """Add ``reelforge worker`` to the CLI."""

    @app.command("worker")
    def worker_command(
        queues: str = typer.Option("clips,render", "--queues", "-Q",
                                   help="Comma-separated: clips (I/O-bound: waits on providers), render (CPU-bound)."),
        concurrency: int = typer.Option(0, "--concurrency", "-c",
                                        help="Tasks at once (default: 8 for clips only, else the CPU count)."),
        pool: str = typer.Option("", "--pool", "-P",
                                 help="threads or prefork (default: threads for clips only, else prefork)."),
        nice: int = typer.Option(0, "--nice", help="Lower this worker's CPU priority (e.g. 10 for render workers "
                                                   "sharing a host with front doors)."),
        name: str = typer.Option("", "--name", "-n", help="Worker name (default reelforge-<queues>@<host>-<pid>)."),
        loglevel: str = typer.Option("INFO", "--loglevel", "-l"),
    ) -> None:
        """Run a worker: clip generation and narration/music on the clips queue, assembly on the render queue."""
        from reelforge.tools.settings import get_settings

        settings = get_settings()
        wanted = [q.strip() for q in queues.split(",") if q.strip()]
        unknown = [q for q in wanted if q not in QUEUES]
        if unknown or not wanted:
            typer.echo(f"error: unknown queue(s) {', '.join(unknown) or '(none)'}; use clips and/or render.", err=True)
            raise typer.Exit(2)
        if not settings.queue_url:
            typer.echo("error: REELFORGE_QUEUE_URL is not set (amqp://… or redis://…; see the README's "
                       "'Scale out').", err=True)
            raise typer.Exit(2)
        from reelforge.tools.database import migrate, postgres_url

        url = postgres_url(settings)
        if not url:
            typer.echo("error: REELFORGE_DATABASE_URL=postgresql://… is needed: workers resume conversations "
                       "from the shared checkpoints.", err=True)
            raise typer.Exit(2)
        migrate(url)
        from reelforge.agent.jobs import configure, queue_names

        io_only = wanted == ["clips"]
        pool = pool or ("threads" if io_only else "prefork")
        concurrency = concurrency or (8 if io_only else (os.cpu_count() or 2))
        if nice:
            os.nice(nice)
        name = name or f"reelforge-{'-'.join(wanted)}@{socket.gethostname()}-{os.getpid()}"
        configure(settings).worker_main(argv=[
            "worker", "-Q", ",".join(queue_names(settings)[q] for q in wanted), "-c", str(concurrency), "-P", pool,
            "-n", name, "--loglevel", loglevel, "--without-gossip", "--without-mingle"])
