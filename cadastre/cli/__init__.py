"""The `cadastre` command line."""
