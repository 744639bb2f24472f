"""Benchmarks at scale (not tests): `make bench`. See bench/README.md."""
