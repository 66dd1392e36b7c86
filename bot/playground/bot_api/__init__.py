"""A Bot API server of our own, checked against the published spec (tests and playground)."""
