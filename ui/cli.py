"""The `reelforge` command line. Each area registers its commands from its own ``ui/cli_<area>.py``."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="reelforge",
    help="Plan and produce videos from a prompt, a script, an outline or an article — offline or with any provider.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module defines ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = (
    "reelforge.ui.cli_make",  # make, demo, doctor
    "reelforge.ui.cli_preview",  # preview
    "reelforge.ui.cli_models",  # models
    "reelforge.ui.cli_ingest",  # read, plan
    "reelforge.ui.cli_voice",  # voice ..., music ...
    "reelforge.ui.cli_chat",  # chat
    "reelforge.ui.cli_ui",  # ui
    "reelforge.ui.cli_slack",  # slack
    "reelforge.ui.cli_eval",  # eval
    "reelforge.ui.cli_worker",  # worker
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that area is not built in this checkout
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    """Console-script entry point: secrets are masked in every log line (tools.masking)."""
    from reelforge.tools.masking import install_log_masking

    install_log_masking()
    app()


if __name__ == "__main__":
    main()
