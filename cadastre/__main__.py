"""`python -m cadastre` runs the command line."""

from cadastre.cli.main import main

main()
