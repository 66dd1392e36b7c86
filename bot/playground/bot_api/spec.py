"""The Bot API spec (api.json) as a validator: parameters in, objects out."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.playground.bot_api.errors import bad_request

SPEC_FILE = Path(__file__).with_name("telegram-bot-api-10.1.json")
_DISCRIMINATOR = re.compile(r"(?:must be|always) [“\"]?([a-z_]+)[”\"]?")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file sent as a multipart part."""

    filename: str
    content: bytes
    content_type: str


class BotApiSpec:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        self.methods: dict[str, Any] = {name.lower(): m for name, m in data["methods"].items()}
        self.types: dict[str, Any] = data["types"]

    @staticmethod
    @functools.cache
    def load() -> BotApiSpec:
        return BotApiSpec(json.loads(SPEC_FILE.read_text(encoding="utf-8")))

    def method(self, name: str) -> Mapping[str, Any] | None:
        return self.methods.get(name.lower())

    def parameters(self, method: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Decode form values by their declared types and check them; ApiError if wrong."""
        spec = self.method(method)
        assert spec is not None
        fields = {f["name"]: f for f in spec.get("fields", [])}
        for name in raw:
            if name not in fields:
                raise bad_request(f'unknown parameter "{name}"')
        for name, field in fields.items():
            if field["required"] and name not in raw:
                raise bad_request(f'parameter "{name}" is required')
        decoded: dict[str, Any] = {}
        for name, value in raw.items():
            types = fields[name]["types"]
            decoded[name] = self._decode(name, value, types)
            problem = self.problem(decoded[name], types, name)
            if problem:
                raise bad_request(problem)
        return decoded

    @staticmethod
    def _decode(name: str, value: Any, types: list[str]) -> Any:
        if not isinstance(value, str) or types == ["String"]:
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            if "String" in types:
                return value
            raise bad_request(f'can\'t parse parameter "{name}" as JSON') from None

    def problem(self, value: Any, types: list[str], path: str) -> str | None:
        """Why the value fits none of the types, or None when it fits one."""
        reasons = []
        for type_name in types:
            reason = self._mismatch(value, type_name, path)
            if reason is None:
                return None
            reasons.append(reason)
        return reasons[0] if len(reasons) == 1 else f"{path}: {' / '.join(reasons)}"

    def _mismatch(self, value: Any, type_name: str, path: str) -> str | None:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return f"{path} must be an array"
            inner = type_name.removeprefix("Array of ")
            for index, item in enumerate(value):
                if reason := self._mismatch(item, inner, f"{path}[{index}]"):
                    return reason
            return None
        simple = {
            "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "String": lambda v: isinstance(v, str),
            "Boolean": lambda v: isinstance(v, bool),
            "True": lambda v: v is True,
            "InputFile": lambda v: isinstance(v, UploadedFile | str),
        }
        if type_name in simple:
            return None if simple[type_name](value) else f"{path} must be {type_name}"
        spec = self.types.get(type_name)
        if spec is None:
            return f"{path}: unknown type {type_name}"
        if "subtypes" in spec:
            reasons = [self._mismatch(value, sub, path) for sub in spec["subtypes"]]
            return None if any(r is None for r in reasons) else f"{path} is no {type_name}"
        return self._object_mismatch(value, spec, path)

    def _object_mismatch(self, value: Any, spec: Mapping[str, Any], path: str) -> str | None:
        name = spec["name"]
        if not isinstance(value, dict):
            return f"{path} must be a {name} object"
        fields = {f["name"]: f for f in spec.get("fields", [])}
        for key in value:
            if key not in fields:
                return f'{path}: {name} has no field "{key}"'
        for key, field in fields.items():
            if key not in value:
                if field["required"]:
                    return f'{path}: field "{key}" of {name} is required'
                continue
            if reason := self.problem(value[key], field["types"], f"{path}.{key}"):
                return reason
            must = _DISCRIMINATOR.search(field["description"]) if key == "type" else None
            if must and value[key] != must.group(1):
                return f"{path}.type must be {must.group(1)} for {name}"
        return None

    def check_returned(self, value: Any, type_name: str) -> None:
        """The double's own answers must be objects python-telegram-bot accepts."""
        reason = self._mismatch(value, type_name, type_name)
        if reason is not None:
            raise AssertionError(f"the double returned an invalid {type_name}: {reason}")
