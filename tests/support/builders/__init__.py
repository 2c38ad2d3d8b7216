"""Data for the feature tests, made through the services as the bot makes it."""
