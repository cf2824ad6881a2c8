"""Operator sub-commands, each a typer app mounted by stream/cli.py."""
