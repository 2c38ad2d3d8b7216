"""Use cases. Listeners, jobs and the CLI call these; they never see a Bolt object."""
