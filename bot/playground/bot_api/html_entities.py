"""Telegram's HTML parse mode: the tags it knows, and the mistakes it refuses."""

from __future__ import annotations

import re

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
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _cant_parse(detail: str, offset: int) -> ApiError:
    return bad_request(f"can't parse entities: {detail} at byte offset {offset}")


def visible_text(html: str) -> str:
    """The text a person sees once the markup is parsed; raises ApiError as Telegram would."""
    out: list[str] = []
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
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(html, i)
            if match is None:
                raise _cant_parse(
                    'Character entity expected ("&" must be written as &amp;)', offset
                )
            ref = match.group(1)
            if ref in _NAMED:
                out.append(_NAMED[ref])
            else:
                out.append(chr(int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])))
            i = match.end()
        elif char == ">":
            out.append(char)
            i += 1
        else:
            out.append(char)
            i += 1
    if open_tags:
        raise _cant_parse(
            f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"', len(html.encode())
        )
    return "".join(out)


def utf16_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units: an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2
