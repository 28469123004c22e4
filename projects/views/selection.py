"""Selection: scores, the comparison table, the decision, the project team and interest."""
