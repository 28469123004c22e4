"""Idea pages: submit, the facilitator's queue, messages, merge, and the project page."""
