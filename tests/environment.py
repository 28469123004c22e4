"""Loaded by pytest before Django starts (see `addopts`): the suite runs with development defaults."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("TESTING", "true")
