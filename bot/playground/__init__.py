"""The playground: the whole bot in a browser, with a local Bot API instead of Telegram."""
