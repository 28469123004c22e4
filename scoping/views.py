"""Scoping pages: sessions, invitations, preparation, the question, the data inventory,
skills and the evaluation summary."""
