"""What the bot does with each Slack command, event, action and view."""
