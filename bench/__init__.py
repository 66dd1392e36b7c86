"""Benchmarks: run each with `.venv/bin/python -m bench.NAME` (never as timed tests)."""
