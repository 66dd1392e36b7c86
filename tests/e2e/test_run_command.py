"""`shopkeeps run` is what `make run` starts: test the real process end to end."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine

from bot.playground.bot_api.server import LocalBotApi
from tests.support.process_env import shopkeeps_env
from tests.support.running_bot import free_port


async def test_run_with_a_token_answers_start_and_stops_on_ctrl_c(
    double: LocalBotApi, engine: Engine, tmp_path: Path
) -> None:
    env = shopkeeps_env(
        TELEGRAM_TOKEN=double.token,
        TELEGRAM_API_URL=double.base_url,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
        STORE_NAME="Village Grocer",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        await double.wait_for(
            lambda: bool(double.calls_to("getMe")), timeout=30, what="the bot to start"
        )
        ann = double.person("Ann")
        double.send_text(ann, "/start")
        await double.wait_for(
            lambda: bool(double.chat(ann).from_bot), timeout=30, what="a reply to /start"
        )
        assert "Village Grocer" in double.chat(ann).last_from_bot.shown_text
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert double.token not in output  # the token never reaches the log


def test_a_wrong_setting_is_named_on_one_line(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=shopkeeps_env(CURRENCY="EURO", WEBHOOK_PORT="99999", DATABASE_THREADS="0"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    lines = finished.stderr.strip().splitlines()
    assert "SHOPKEEPS_CURRENCY: 'EURO' is not an ISO 4217 currency code (like EUR or USD)" in lines
    assert any(line.startswith("SHOPKEEPS_WEBHOOK_PORT: ") for line in lines)
    assert any(line.startswith("SHOPKEEPS_DATABASE_THREADS: ") for line in lines)
    assert "Traceback" not in finished.stderr


def test_settings_that_only_fail_together_still_name_the_variable(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=tmp_path,
        env=shopkeeps_env(WEBHOOK_URL="https://shop.example/hook"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert (
        "SHOPKEEPS_WEBHOOK_SECRET: must be set when SHOPKEEPS_WEBHOOK_URL is set" in finished.stderr
    )


async def test_run_with_a_webhook_url_registers_it_with_the_secret_and_answers(
    double: LocalBotApi, engine: Engine, tmp_path: Path
) -> None:
    port = free_port()
    env = shopkeeps_env(
        TELEGRAM_TOKEN=double.token,
        TELEGRAM_API_URL=double.base_url,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg-hook",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="s3cret_token-1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        await double.wait_for(
            lambda: double.webhook is not None, timeout=30, what="the bot to register its webhook"
        )
        assert double.webhook == {
            "url": f"http://127.0.0.1:{port}/tg-hook",
            "secret_token": "s3cret_token-1",
        }
        ann = double.person("Ann")
        double.send_text(ann, "/start")
        await double.wait_for(
            lambda: bool(double.chat(ann).from_bot),
            timeout=30,
            what="a reply to /start over the webhook",
        )
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "s3cret_token-1" not in output


def test_a_refused_token_is_named_on_one_line_and_never_printed(
    double: LocalBotApi, engine: Engine, tmp_path: Path
) -> None:
    wrong = "987654321:AAthis-token-was-revoked_by_botfather"
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=shopkeeps_env(
            TELEGRAM_TOKEN=wrong,
            TELEGRAM_API_URL=double.base_url,
            DATABASE_URL=engine.url.render_as_string(hide_password=False),
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 2, output
    assert "SHOPKEEPS_TELEGRAM_TOKEN: Telegram refused this token." in finished.stderr
    assert wrong not in output
    assert wrong.split(":")[1] not in output
    assert "Traceback" not in output
