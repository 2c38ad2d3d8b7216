"""Bolt listeners, by kind. Each package has ``register(app, services)``; a listener reads
the payload and acks, then hands what is slow (calling a service,
:class:`bot.slack.handlers.services.SlackServices`, and replying) to its ``after_ack``
(:mod:`bot.slack.intake.after_ack`): Bolt's own threads never wait for the database."""
