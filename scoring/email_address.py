"""Whether a text is an e-mail address, by a deliberately small rule.

An address creates a member and affiliates them by its domain, so what is plainly not one
(``x@``, ``@x``, ``a@b@c``, ``a b@c.d``) must not get that far. The rule is the shape
every deliverable address has, not RFC 5322 (whose quoted local parts and comments no
community uses, and which no standard-library parser checks): one ``@``, something before
it, a domain of at least two non-empty dot-separated labels after it, and no space,
control or invisible character anywhere. Whether the mailbox exists is not ours to know.
"""

from __future__ import annotations

import unicodedata

#: The rule in words, for the message that refuses an address.
EMAIL_RULE = "one @, a name before it, a domain with a dot after it, no spaces"
#: The longest address SMTP can carry (RFC 5321's 256-octet path, less its brackets).
MAX_EMAIL_CHARS = 254


def is_email_address(text: str) -> bool:
    """Whether ``text`` has the shape of an e-mail address (see the module docstring)."""
    if not text or len(text) > MAX_EMAIL_CHARS or text.count("@") != 1:
        return False
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in text):
        return False
    local, _, domain = text.partition("@")
    labels = domain.split(".")
    return bool(local) and len(labels) >= 2 and all(labels)
