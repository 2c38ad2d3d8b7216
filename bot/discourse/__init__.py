"""The Discourse adapter: webhooks in (``webhook``), the API out (``gateway``), a backstop
that pulls what webhooks missed (``sync``) and the shared payload parsing (``events``)."""
