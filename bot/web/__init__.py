"""The public pages: the partner directory, partner pages, reports and their JSON.

``pages`` renders HTML with Jinja2 (templates in ``templates/``, one small stylesheet
in ``static/``), ``charts`` draws the SVG charts with pygal, ``api`` gives the same
data as JSON, ``routes`` serves them from ``creditbot serve`` and ``export`` writes
them as a static site. Everything shown comes from ``bot.services.partners.directory``,
``bot.services.ledger.public_reports`` and ``bot.services.partners.leads``, which only hand out what
may be public.
"""
