"""Pure domain logic of creditbot: credits, attribution, rankings, standing.

Nothing here imports a framework, the database or the network; time is always
passed in.
"""
