"""The small rule for what is an e-mail address (scoring.email_address)."""

from __future__ import annotations

import pytest

from scoring.email_address import MAX_EMAIL_CHARS, is_email_address


@pytest.mark.parametrize(
    "text",
    ["ann@acme.example", "New.Person+talks@Acme.Example", "ana@correo.ñandú.example", "a@b.co"],
)
def test_an_address_of_the_usual_shape_is_one(text: str) -> None:
    assert is_email_address(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x@",
        "@x",
        "@acme.example",
        "a@b@c",
        "a b@c.d",
        "ann@acme",
        "ann@.example",
        "ann@acme.",
        "ann@acme..example",
        "ann@acme.example\n",
        "ann\u200b@acme.example",
        "a" * MAX_EMAIL_CHARS + "@acme.example",
    ],
)
def test_what_is_plainly_not_an_address_is_not_one(text: str) -> None:
    assert not is_email_address(text)
