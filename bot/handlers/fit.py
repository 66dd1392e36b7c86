"""Every message fits Telegram's limits: a long one is shortened with "…", its HTML intact.

Telegram counts the visible text (after entities are parsed) in UTF-16 code units: 4096 for a
message, 1024 for a caption. Cutting the raw HTML could split a tag or an entity and get the
whole message refused, so the cut is made on the parsed text and open tags are closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

MESSAGE = 4096
CAPTION = 1024
ALERT = 200  # a button's alert (answerCallbackQuery's text)
ELLIPSIS = "…"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Cutter(HTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.left = limit - _units(ELLIPSIS)
        self.out: list[str] = []
        self.open: list[str] = []
        self.full = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.full:
            return
        shown = "".join(f' {k}="{escape(v or "", quote=True)}"' for k, v in attrs)
        self.out.append(f"<{tag}{shown}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.full:
            return
        self.out.append(f"</{tag}>")
        if tag in self.open:
            self.open.remove(tag)

    def handle_data(self, data: str) -> None:
        if self.full:
            return
        if _units(data) <= self.left:
            self.out.append(escape(data, quote=False))
            self.left -= _units(data)
            return
        kept = 0
        for char in data:
            self.left -= _units(char)
            if self.left < 0:
                break
            kept += 1
        self.out.append(escape(data[:kept].rstrip(), quote=False) + ELLIPSIS)
        self.full = True


def fit(html: str, limit: int = MESSAGE) -> str:
    """The HTML unchanged if its visible text fits; else shortened, tags closed."""
    if _units(html) <= limit:  # tags vanish and entities shrink: the text shown is shorter
        return html
    cutter = _Cutter(limit)
    cutter.feed(html)
    cutter.close()
    if not cutter.full:
        return html
    return "".join(cutter.out) + "".join(f"</{tag}>" for tag in reversed(cutter.open))


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# Screens are kept and drawn again (bot.handlers.browsing): the same HTML is read again on
# most taps, and parsing it costs more than the rest of comparing a screen with the last.
@lru_cache(maxsize=1024)
def visible_text(html: str) -> str:
    """The text Telegram shows for this HTML (tags gone, entities decoded)."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def split(lines: Sequence[str], limit: int = MESSAGE) -> list[str]:
    """Lines of HTML (each whole: its tags closed on the line) as few messages as fit, cut
    between lines; a line too long alone is shortened with "…"."""
    messages: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        size = _units(visible_text(line)) + 1  # and its newline
        if current and used + size > limit:
            messages.append("\n".join(current).strip("\n"))
            current, used = [], 0
        current.append(fit(line, limit))
        used += min(size, limit)
    if current:
        messages.append("\n".join(current).strip("\n"))
    return [message for message in messages if message]
