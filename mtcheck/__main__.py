"""`python -m mtcheck`: the same as the `mtcheck` command."""

from .cli import console_main

console_main()
