"""Block Kit: the Slack messages, views and forms the bot posts."""
