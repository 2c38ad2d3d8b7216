"""Slack intake: ack fast, record the event, work it in another process."""
