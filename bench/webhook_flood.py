"""Memory of a webhook worker while strangers post huge bodies without the secret token.

Starts `shopkeeps run` in webhook mode (SQLite, the local Bot API), reads its resident memory,
posts 8 bodies of 95 MB each without the secret (the issue that found python-telegram-bot's own
webhook server going from 106 MB to 1.2 GB), then one valid update, and reads it again. Each
stranger is refused from the headers alone; the worker's memory must not grow with the bodies.

    python -m bench.webhook_flood [--bodies 8] [--megabytes 95]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import migrated
from bot.playground.bot_api.server import LocalBotApi

SECRET = "bench-secret_1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def post_without_secret(port: int, megabytes: int) -> tuple[str, float]:
    """Send the headers and then the whole body (as an attacker would); the status line and
    how long the server took to answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    size = megabytes * 1024 * 1024
    started = time.perf_counter()
    writer.write(
        f"POST /telegram-hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n".encode()
    )
    chunk = b"x" * (1024 * 1024)
    answer = asyncio.create_task(reader.readline())
    sent = 0
    try:  # the whole body, as an attacker would, until the server closes the connection
        for _ in range(megabytes):
            writer.write(chunk)
            await writer.drain()
            sent += 1
    except (ConnectionError, OSError):
        pass
    status = (await asyncio.wait_for(answer, 30)).decode().strip()
    took = time.perf_counter() - started
    writer.close()
    return f"{status} ({sent} MB of it sent before the server closed)", took


async def main(bodies: int, megabytes: int) -> None:
    with LocalBotApi() as double, tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        migrated(url)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPS_")} | {
            "SHOPKEEPS_DATABASE_URL": url,
            "SHOPKEEPS_TELEGRAM_TOKEN": double.token,
            "SHOPKEEPS_TELEGRAM_API_URL": double.base_url,
            "SHOPKEEPS_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram-hook",
            "SHOPKEEPS_WEBHOOK_SECRET": SECRET,
            "SHOPKEEPS_WEB_PORT": str(port),
        }
        command = [str(Path(sys.executable).with_name("shopkeeps")), "run"]
        worker = subprocess.Popen(command, env=env, cwd=folder, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                if double.webhook is not None:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1)
            before = rss_mb(worker.pid)
            peak = before
            for n in range(bodies):
                status, took = await post_without_secret(port, megabytes)
                peak = max(peak, rss_mb(worker.pid))
                print(
                    f"body {n + 1}: {megabytes} MB without the secret -> {status} in {took:.2f} s"
                )
            person = double.person("Ann")
            double.send_text(person, "/start")
            for _ in range(100):
                if double.chat(person).from_bot:
                    break
                await asyncio.sleep(0.1)
            answered = bool(double.chat(person).from_bot)
            after = rss_mb(worker.pid)
            print(
                f"worker RSS: {before:.0f} MB before, peak {peak:.0f} MB, {after:.0f} MB after "
                f"{bodies} x {megabytes} MB; a customer's /start afterwards answered: {answered}"
            )
        finally:
            worker.terminate()
            worker.wait(30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=8)
    parser.add_argument("--megabytes", type=int, default=95)
    options = parser.parse_args()
    asyncio.run(main(options.bodies, options.megabytes))
