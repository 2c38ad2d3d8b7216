"""The demo: every step of ``creditbot demo`` on a throw-away database."""
