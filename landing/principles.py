"""The collaboration principles every new programme starts with, in our own words.

Facilitators can reword them for their programme; these are only the starting point.
"""

DEFAULT_PRINCIPLES = [
    (
        "A shared purpose",
        "Choose questions that matter to enough people in the community that a core team, and "
        "the people who join for a while, want to work on them.",
    ),
    (
        "Short and structured, but open to change",
        "Time limits and a clear plan keep everyone accountable. Within them, try things out and "
        "adapt how the team works together.",
    ),
    (
        "Community first",
        "Ideas come from local organisations and the people they support, not from the "
        "council's agenda. Frontline workers often see first what needs attention.",
    ),
    (
        "Different strengths, one team",
        "Community groups know residents and what is happening on the ground; data and legal "
        "colleagues know what can be done safely. Each needs the other.",
    ),
    (
        "As little personal data as possible, as much curiosity as possible",
        "Share or collect personal data only when it is necessary and proportionate. Be bold "
        "with everything else: open data, history, trends and other places.",
    ),
    (
        "A starting point for action",
        "What we learn is meant to be used. Publish findings and methods so others can act on "
        "them and other places can do the same.",
    ),
]
