"""bcrypt hashing; the cost is a parameter so tests need not pay production's price."""

from __future__ import annotations

import bcrypt

PRODUCTION_ROUNDS = 12
MAX_BYTES = 72  # bcrypt reads no further (and bcrypt 5 refuses longer input)


class PasswordHasher:
    def __init__(self, rounds: int = PRODUCTION_ROUNDS) -> None:
        self.rounds = rounds
        self._dummy_hash: bytes | None = None

    def hash(self, password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(self.rounds)).decode("ascii")

    def verify(self, password: str, password_hash: str) -> bool:
        """A password too long for bcrypt is wrong, after as long as a real check takes."""
        secret = password.encode()
        if len(secret) > MAX_BYTES:
            self.dummy_verify(password)
            return False
        try:
            return bcrypt.checkpw(secret, password_hash.encode("ascii"))
        except ValueError:
            return False

    def dummy_verify(self, password: str) -> None:
        """Spend the same time as a real check, so unknown usernames cannot be told apart."""
        if self._dummy_hash is None:
            self._dummy_hash = bcrypt.hashpw(b"not a real password", bcrypt.gensalt(self.rounds))
        bcrypt.checkpw(password.encode()[:MAX_BYTES], self._dummy_hash)
