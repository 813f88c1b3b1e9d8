"""``python -m mfg`` runs the CLI."""

from mfg.cli import main

main()
