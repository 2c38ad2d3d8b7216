"""The edges of creditbot: Slack, Discourse, HTTP, scheduler, CLI."""
