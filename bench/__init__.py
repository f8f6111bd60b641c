"""Benchmarks: each prints its figures and ratios against a baseline measured in
the same run (the machines are shared and noisy; ratios travel, absolute numbers
do not). Run one with ``python -m bench NAME``."""
