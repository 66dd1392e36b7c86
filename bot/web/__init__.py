"""The bot's web adapter: one aiohttp server in the process for everything that comes over
HTTP (Telegram's webhook, health, metrics, and the back office to come). It calls the same
use cases as the chat handlers and imports none of them."""
