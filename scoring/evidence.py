"""What shows a credit was earned: a link (message, post, pull request) or a note."""

from __future__ import annotations

from scoring.models import Credit


def evidence(credit: Credit) -> str:
    """The credit's note, with the link its reference holds when the note lacks it;
    "" when it has neither (a lead's ``/credit`` without a note)."""
    link = credit.source_ref if credit.source_ref.startswith(("https://", "http://")) else ""
    if link and link not in credit.note:
        return f"{credit.note} ({link})" if credit.note else link
    return credit.note
