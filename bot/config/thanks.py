"""The ``thanks:`` section of ``creditbot.yml``: thank-you detection, the built-in words
added to or turned off, by language."""

from __future__ import annotations

from dataclasses import replace

from pydantic import (
    Field,
    field_validator,
)

from bot.config.base import _Strict
from scoring.slack_text import phrase_tokens
from scoring.thanks import ThanksRules, language_rules, merge_terms
from scoring.thanks_languages import LANGUAGES, ROLES


class ThanksLanguageConfig(_Strict):
    """One language's words added to or removed from the built-in ones."""

    extra_phrases: list[str] = Field(default_factory=list)
    extra_resolution_phrases: list[str] = Field(default_factory=list)
    extra_anticipation_markers: list[str] = Field(default_factory=list)
    extra_failure_markers: list[str] = Field(default_factory=list)
    extra_sarcasm_markers: list[str] = Field(default_factory=list)
    extra_reply_markers: list[str] = Field(default_factory=list)
    extra_channel_markers: list[str] = Field(default_factory=list)
    disabled_phrases: list[str] = Field(default_factory=list)
    """Built-in words of this language (any role) to stop using."""

    def extra(self, role: str) -> list[str]:
        return list(getattr(self, f"extra_{role}"))


class ThanksConfig(_Strict):
    """Thank-you detection in Slack threads; the built-in words are in scoring/thanks_words.py
    (English) and scoring/thanks_languages.py (the others)."""

    enabled: bool = True
    languages: dict[str, ThanksLanguageConfig] = Field(default_factory=dict)
    disabled_languages: list[str] = Field(default_factory=list)
    extra_phrases: list[str] = Field(default_factory=list)
    extra_resolution_phrases: list[str] = Field(default_factory=list)
    extra_emoji: list[str] = Field(default_factory=list)
    disabled_phrases: list[str] = Field(default_factory=list)
    extra_question_markers: list[str] = Field(default_factory=list)
    extra_request_markers: list[str] = Field(default_factory=list)
    extra_sarcasm_markers: list[str] = Field(default_factory=list)
    extra_failure_markers: list[str] = Field(default_factory=list)
    extra_greeting_markers: list[str] = Field(default_factory=list)
    disabled_markers: list[str] = Field(default_factory=list)
    max_words: int = Field(default=120, ge=1)
    short_message_words: int = Field(default=5, ge=0)
    negation_window: int = Field(default=3, ge=0)

    @field_validator(
        "extra_phrases",
        "extra_resolution_phrases",
        "extra_emoji",
        "extra_question_markers",
        "extra_request_markers",
        "extra_sarcasm_markers",
        "extra_failure_markers",
        "extra_greeting_markers",
    )
    @classmethod
    def _has_words(cls, value: list[str]) -> list[str]:
        for phrase in value:
            if not phrase_tokens(phrase):
                raise ValueError(f"'{phrase}' has no words to look for")
        return value

    @field_validator("disabled_phrases")
    @classmethod
    def _known_phrases(cls, value: list[str]) -> list[str]:
        base = ThanksRules()
        return _known(
            value, (*base.phrases, *base.resolution_phrases, *base.short_phrases, *base.emoji)
        )

    @field_validator("disabled_markers")
    @classmethod
    def _known_markers(cls, value: list[str]) -> list[str]:
        base = ThanksRules()
        return _known(
            value,
            (
                *base.question_markers,
                *base.anticipation_markers,
                *base.request_markers,
                *base.sarcasm_markers,
                *base.reply_markers,
                *base.courtesy_markers,
                *base.failure_markers,
                *base.greeting_markers,
                *base.self_solved_markers,
                *base.cc_markers,
                *base.contribution_markers,
                *base.reported_markers,
                *base.channel_markers,
                *base.bot_markers,
            ),
        )

    @field_validator("disabled_languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in LANGUAGES:
                raise ValueError(f"'{code}' is not a built-in language ({', '.join(LANGUAGES)})")
        return value

    @field_validator("languages")
    @classmethod
    def _known_language_words(
        cls, value: dict[str, ThanksLanguageConfig]
    ) -> dict[str, ThanksLanguageConfig]:
        for code, section in value.items():
            built_in = tuple(w for role in ROLES for w in LANGUAGES.get(code, {}).get(role, ()))
            _known(section.disabled_phrases, built_in)
            for role in ROLES:
                cls._has_words(section.extra(role))
        return value

    def _language_terms(self, role: str) -> tuple[list[str], list[str]]:
        """Every language's extra words of ``role``, and every language's disabled words."""
        extra = [w for section in self.languages.values() for w in section.extra(role)]
        off = [w for section in self.languages.values() for w in section.disabled_phrases]
        return extra, off

    def to_rules(self) -> ThanksRules:
        base = language_rules(self.disabled_languages)
        rules = self._english_rules(base)

        def terms(role: str) -> tuple[str, ...]:
            extra, off = self._language_terms(role)
            return merge_terms(getattr(rules, role), extra, off)

        return replace(
            rules,
            phrases=terms("phrases"),
            resolution_phrases=terms("resolution_phrases"),
            anticipation_markers=terms("anticipation_markers"),
            failure_markers=terms("failure_markers"),
            sarcasm_markers=terms("sarcasm_markers"),
            reply_markers=terms("reply_markers"),
            channel_markers=terms("channel_markers"),
        )

    def _english_rules(self, base: ThanksRules) -> ThanksRules:
        off = self.disabled_markers

        def emoji(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
            return tuple(name.strip(":") for name in names)

        return ThanksRules(
            phrases=merge_terms(base.phrases, self.extra_phrases, self.disabled_phrases),
            resolution_phrases=merge_terms(
                base.resolution_phrases, self.extra_resolution_phrases, self.disabled_phrases
            ),
            short_phrases=merge_terms(base.short_phrases, (), self.disabled_phrases),
            emoji=merge_terms(
                emoji(base.emoji), emoji(self.extra_emoji), emoji(self.disabled_phrases)
            ),
            question_markers=merge_terms(base.question_markers, self.extra_question_markers, off),
            anticipation_markers=merge_terms(base.anticipation_markers, (), off),
            request_markers=merge_terms(base.request_markers, self.extra_request_markers, off),
            sarcasm_markers=merge_terms(base.sarcasm_markers, self.extra_sarcasm_markers, off),
            reply_markers=merge_terms(base.reply_markers, (), off),
            courtesy_markers=merge_terms(base.courtesy_markers, (), off),
            failure_markers=merge_terms(base.failure_markers, self.extra_failure_markers, off),
            greeting_markers=merge_terms(base.greeting_markers, self.extra_greeting_markers, off),
            self_solved_markers=merge_terms(base.self_solved_markers, (), off),
            cc_markers=merge_terms(base.cc_markers, (), off),
            contribution_markers=merge_terms(base.contribution_markers, (), off),
            reported_markers=merge_terms(base.reported_markers, (), off),
            channel_markers=merge_terms(base.channel_markers, (), off),
            bot_markers=merge_terms(base.bot_markers, (), off),
            max_words=self.max_words,
            short_message_words=self.short_message_words,
            negation_window=self.negation_window,
            enabled=self.enabled,
        )


def _known(value: list[str], built_in: tuple[str, ...]) -> list[str]:
    known = {phrase_tokens(term.strip(":")) for term in built_in}
    for term in value:
        if phrase_tokens(term.strip(":")) not in known:
            raise ValueError(f"'{term}' is not one of the built-in ones (scoring/thanks_words.py)")
    return value
