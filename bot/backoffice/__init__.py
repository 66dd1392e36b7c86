"""The back office: the shop run from a browser or a Telegram Mini App.

A second adapter beside bot/handlers: its pages call the same use cases the chat does, and
take the role each needs from bot.domain.permissions, as the chat's routes do."""
