"""`make run` with no token, and `shopkeeps playground`, as real processes."""

from __future__ import annotations

import json
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO, Any

from tests.support.process_env import shopkeeps_env
from tests.support.running_bot import free_port

STARTED = re.compile(r"open (http://127\.0\.0\.1:\d+/)")


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    # TMPDIR: where the playground's throw-away store goes, so the test can see it is gone.
    return shopkeeps_env(**values) | {"TMPDIR": str(tmp_path / "tmp")}


class Output:
    """Reads a process's output on a thread, so waiting for a line can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            found = pattern.search(line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern.pattern} in:\n{''.join(self.seen)}")

    def rest(self) -> str:
        time.sleep(0.2)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_run_without_a_token_opens_the_playground_and_ctrl_c_leaves_nothing(
    tmp_path: Path,
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=_env(tmp_path, PLAYGROUND_PORT=str(port), STORE_NAME="Village Grocer"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(process)
    try:
        url = output.wait_for(STARTED).group(1)
        assert url == f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(url, timeout=30) as page:
            assert "ShopKeeps playground" in page.read().decode()
        state = _get(url + "api/state")
        alice = next(p for p in state["personas"] if p["name"] == "Alice")
        _post(f"{url}api/personas/{alice['id']}/text", {"text": "/start"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = _get(f"{url}api/state?since={state['revision']}")
            replies = [m for m in state["chats"][str(alice["id"])]["messages"] if m["from_bot"]]
            if replies:
                break
        assert "Welcome to <b>Village Grocer</b>" in replies[0]["html"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    text = output.rest()
    assert process.returncode == 0, text
    assert "@BotFather" in text and "SHOPKEEPS_TELEGRAM_TOKEN" in text  # how to go live
    assert re.search(r"Sam +staff +/login +username sam +password \S+", text)
    assert "Playground stopped" in text
    assert "Traceback" not in text
    assert _port_is_closed(port)
    assert list((tmp_path / "tmp").iterdir()) == []  # the throw-away store is gone
    assert list(tmp_path.glob("*.db")) == []  # and the configured database was never touched


def test_a_taken_port_is_named_with_the_setting_to_change(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, "-m", "bot", "playground"],
            cwd=tmp_path,
            env=_env(tmp_path, PLAYGROUND_PORT=str(port)),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert finished.returncode == 2
    assert f"Port {port} is in use. Set SHOPKEEPS_PLAYGROUND_PORT" in finished.stdout
    assert "Traceback" not in finished.stdout + finished.stderr
    assert list((tmp_path / "tmp").iterdir()) == []
