"""python -m csvcheck."""

from csvcheck.cli import main

main(prog_name="csvcheck")
