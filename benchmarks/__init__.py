"""Benchmarks: ``python -m benchmarks`` runs them all, prints a table and one JSON line.

Each benchmark is a module with ``run(args) -> dict`` and runs in a child process of
its own (``python -m benchmarks.<name>``), so the peak memory it reports
(``resource.getrusage``) is its own. They print figures; they are not timed tests.
"""
