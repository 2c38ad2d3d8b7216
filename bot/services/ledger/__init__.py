"""The ledger's own use cases: members, credits, reports, shout-outs."""
