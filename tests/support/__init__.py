"""What tests import: helpers, builders and constants, by what they are.

conftest files hold fixtures only (``tests/unit/test_test_layout.py`` checks that no
test imports a conftest file); every helper a test imports by name lives here:

- ``clock``, ``config``, ``cli``: the fixed clock, the base programme configuration, the
  in-process CLI's result;
- ``databases``: the SQLite template, the throw-away PostgreSQL server, each test's URL;
- ``slack``, ``discourse``: signing requests as Slack and Discourse do, payloads from
  ``tests/payloads/``, what the stand-ins received;
- ``serving``, ``wiring``: the real app under uvicorn (or called in-process), a runtime
  re-pointed at the stand-ins;
- ``stored``, ``sqlite``: reading what the bot stored, watching SQLite from outside;
- ``processes``, ``proxies``, ``replicas``, ``delivery``: ``creditbot`` as real processes,
  loopback proxies that break calls, waiting, racing calls, running the outbox worker;
- ``months`` and ``builders/``: data for the partner, Distinguished Contributor and
  shout-out tests, made through the services.
"""
