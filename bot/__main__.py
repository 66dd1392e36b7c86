"""`python -m bot` is the same as the `shopkeeps` command."""

from bot.cli import main

raise SystemExit(main())
