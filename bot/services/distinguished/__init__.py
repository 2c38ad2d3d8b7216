"""The distinguished programme: nominations, votes, terms."""
