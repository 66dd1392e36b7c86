"""Telegram in and out: one module per feature. Handlers parse, call one use case, render."""
