"""ShopKeeps: contactless ordering for small retail stores, as a Telegram bot."""
