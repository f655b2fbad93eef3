"""Benchmarks and their dataset generators, run by hand (see each module's ``main``)."""
