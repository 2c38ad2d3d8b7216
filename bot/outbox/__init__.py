"""The outbox: messages written with the work that causes them, sent later."""
