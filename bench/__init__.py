"""Benchmarks: each figure printed beside its raw PostGIS/GDAL baseline, measured in the same run.

Run with `python -m bench` (see bench/README.md). Benchmarks measure; the tests check
correctness, so nothing here asserts a time.
"""
