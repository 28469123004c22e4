"""Speed and quality benchmark of the personal-data engine: ``python -m benchmarks [--rows N]``."""
