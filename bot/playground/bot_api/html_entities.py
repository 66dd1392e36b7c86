"""Telegram's HTML parse mode: the tags it knows, and the mistakes it refuses."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field

from bot.playground.bot_api.errors import ApiError, bad_request

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
    "tg-time",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:=(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _cant_parse(detail: str, offset: int) -> ApiError:
    return bad_request(f"can't parse entities: {detail} at byte offset {offset}")


@dataclass(frozen=True, slots=True)
class Tag:
    """An opening or closing tag of Telegram's HTML, with its attributes decoded."""

    name: str
    closing: bool
    attributes: dict[str, str] = field(default_factory=dict)


def parse_html(html: str) -> list[str | Tag]:
    """Text pieces and tags, in order; raises ApiError where Telegram would refuse the text."""
    out: list[str | Tag] = []
    open_tags: list[str] = []
    i = 0
    while i < len(html):
        char = html[i]
        offset = len(html[:i].encode())
        if char == "<":
            match = _TAG.match(html, i)
            if match is None:
                raise _cant_parse(
                    "Unexpected end of name token" if i + 1 < len(html) else "Unexpected end tag",
                    offset,
                )
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise _cant_parse(f'Unsupported start tag "{name}"', offset)
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise _cant_parse(f'Unmatched end tag "{name}"', offset)
                open_tags.pop()
            else:
                open_tags.append(name)
            out.append(Tag(name, closing, _attributes(match.group(3))))
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(html, i)
            if match is None:
                raise _cant_parse(
                    'Character entity expected ("&" must be written as &amp;)', offset
                )
            ref = match.group(1)
            if ref in _NAMED:
                _add_text(out, _NAMED[ref])
            else:
                _add_text(out, chr(int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])))
            i = match.end()
        else:
            _add_text(out, char)
            i += 1
    if open_tags:
        raise _cant_parse(
            f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"', len(html.encode())
        )
    return out


def _add_text(out: list[str | Tag], text: str) -> None:
    if out and isinstance(out[-1], str):
        out[-1] += text
    else:
        out.append(text)


def _attributes(raw: str) -> dict[str, str]:
    return {
        name.lower(): html_lib.unescape(value.strip("\"'"))
        for name, value in _ATTRIBUTE.findall(raw)
    }


def visible_text(html: str) -> str:
    """The text a person sees once the markup is parsed; raises ApiError as Telegram would."""
    return "".join(piece for piece in parse_html(html) if isinstance(piece, str))


def utf16_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units: an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2
