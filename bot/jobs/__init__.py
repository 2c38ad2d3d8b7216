"""Jobs: the registry of every JobSpec, runs and claims, cadence, the scheduler."""
