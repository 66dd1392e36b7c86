"""Each kind of notification in its reader's words: one function per facts class, registered
beside the feature's own handlers with `@renders(TheFacts)`, found here by the sender.

    @renders(RatingRequest)
    def rating_request(t: Texts, facts: RatingRequest, store: Store) -> Rendered:
        ...

A module that registers renderers must be imported before anything is sent:
bot.handlers.notifications imports every one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup

from bot.domain.notifications import Facts, Unreadable
from bot.domain.store import Store
from bot.i18n import Texts

Rendered = tuple[str, InlineKeyboardMarkup | None]  # HTML text, and its buttons if any
F = TypeVar("F", bound=Facts)
Renderer = Callable[[Texts, F, Store], Rendered]

_RENDERERS: dict[type[Facts], Callable[[Texts, Any, Store], Rendered]] = {}


def renders(facts: type[F]) -> Callable[[Renderer[F]], Renderer[F]]:
    """Register the decorated function as the words of this class of facts (once)."""

    def register(renderer: Renderer[F]) -> Renderer[F]:
        if facts in _RENDERERS:
            raise ValueError(f"{facts.__name__} is rendered twice")
        _RENDERERS[facts] = renderer
        return renderer

    return register


class CannotRender(LookupError):
    """Facts no renderer words: unreadable ones, or a class nobody registered a function for."""


def render_facts(t: Texts, facts: Facts, store: Store) -> Rendered:
    if isinstance(facts, Unreadable):
        raise CannotRender(f"{facts.kind.value} facts do not read: {facts.problem}")
    renderer = _RENDERERS.get(type(facts))
    if renderer is None:
        raise CannotRender(f"nothing renders {type(facts).__name__}")
    return renderer(t, facts, store)


def unrendered(classes: Iterable[type[Facts]]) -> list[type[Facts]]:
    """Those of these classes that no function renders (for the test that none is left out)."""
    return [facts for facts in classes if facts not in _RENDERERS]
