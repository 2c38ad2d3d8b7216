"""Bolt listeners, by kind. Each package has ``register(app, services)``; a listener acks,
reads the payload, calls a service (:class:`bot.services.slack.SlackServices`), replies."""
