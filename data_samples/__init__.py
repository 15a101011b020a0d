"""Synthetic sample data for the cadastre: a generator and the committed default ward."""
