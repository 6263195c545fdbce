"""`python -m engine`: the `tradepolicy` command, for a venv whose scripts are not on PATH."""

from engine.cli import main

main()
