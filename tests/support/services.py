"""Long-running child processes for the deployment tests: `shopkeeps run` workers and a Caddy
in front of them, each with its output in a log file, stopped by a signal as systemd does."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.process_env import shopkeeps_command, shopkeeps_env

REPOSITORY = Path(__file__).resolve().parents[2]
DEPLOY = REPOSITORY / "deploy"
CADDY_ROUTES = DEPLOY / "caddy" / "shopkeeps-routes.caddy"


@dataclass
class Service:
    """A child process whose output goes to `<log_dir>/<name>.log` (appended across restarts)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_dir: Path
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> Service:
        assert not self.running, f"{self.name} is already running"
        with self.log_path.open("ab") as log:
            log.write(f"----- start: {' '.join(self.argv)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.cwd or self.log_dir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def stop(self, how: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        """Send the signal and wait for the exit (killed after `timeout`); the exit code."""
        assert self.process is not None, f"{self.name} was never started"
        if self.process.poll() is None:
            self.process.send_signal(how)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)

    def log(self, last: int = 4000) -> str:
        """The tail of what the process wrote, for an assertion message."""
        try:
            return self.log_path.read_text(errors="replace")[-last:]
        except FileNotFoundError:
            return ""


def shopkeeps_service(name: str, args: list[str], log_dir: Path, **settings: str) -> Service:
    """`shopkeeps ARGS` with exactly these SHOPKEEPS_ settings (names without the prefix)."""
    return Service(name, shopkeeps_command(*args), shopkeeps_env(**settings), log_dir)


def run_shopkeeps(args: list[str], log_dir: Path, **settings: str) -> str:
    """Run a one-shot `shopkeeps` command (as a oneshot unit would); its output. Fails the
    test with that output when it exits non-zero."""
    finished = subprocess.run(
        shopkeeps_command(*args),
        cwd=log_dir,
        env=shopkeeps_env(**settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, f"shopkeeps {' '.join(args)} failed:\n{output}"
    return output


def http_get(url: str, *, tls: ssl.SSLContext | None = None, timeout: float = 3) -> tuple[int, str]:
    """Status and body of a GET; an HTTP error is an answer too. OSError when nobody answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=tls) as response:
            return int(response.status), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode(errors="replace")


async def wait_for_http(
    url: str,
    status: int = 200,
    *,
    tls: ssl.SSLContext | None = None,
    timeout: float = 30,
    service: Service | None = None,
) -> str:
    """Poll until GET `url` answers `status`; its body. Fails early, with the service's log,
    if the service exits meanwhile."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if service is not None and service.process is not None and not service.running:
            raise AssertionError(
                f"{service.name} exited ({service.process.returncode}) while waiting for "
                f"{url}:\n{service.log()}"
            )
        try:
            got, body = await asyncio.to_thread(http_get, url, tls=tls, timeout=2)
        except OSError as error:
            last = str(error)
        else:
            if got == status:
                return body
            last = f"{got} {body[:200]!r}"
        await asyncio.sleep(0.1)
    log = f"\n{service.name}'s log:\n{service.log()}" if service is not None else ""
    raise AssertionError(f"GET {url} did not answer {status} in {timeout}s (last: {last}){log}")


def caddy_binary() -> str | None:
    """Debian's caddy (`make caddy` installs it), never a downloaded one."""
    return shutil.which("caddy")


@dataclass
class Caddy:
    """Caddy serving the production routes (deploy/caddy/shopkeeps-routes.caddy) over HTTPS
    on 127.0.0.1, with a certificate from its own internal CA (`tls internal`), as the
    production Caddyfile does with Let's Encrypt. Its storage lives under `home`; the admin
    API is off; nothing is installed into any trust store."""

    service: Service
    https_port: int
    home: Path

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def root_ca(self) -> Path:
        return self.home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def tls(self) -> ssl.SSLContext:
        """A client context trusting only Caddy's internal root CA."""
        return ssl.create_default_context(cafile=str(self.root_ca))

    async def wait_until_serving(self, timeout: float = 30) -> None:
        """Until the root CA exists and a TLS handshake with it succeeds."""
        deadline = time.monotonic() + timeout
        while not self.root_ca.exists():
            if not self.service.running or time.monotonic() > deadline:
                raise AssertionError(f"Caddy made no internal CA:\n{self.service.log()}")
            await asyncio.sleep(0.1)
        left = max(1.0, deadline - time.monotonic())
        # Any answer through TLS will do: the routes answer 404 for an unknown path.
        await wait_for_http(
            f"{self.base_url}/nothing-here", 404, tls=self.tls(), timeout=left, service=self.service
        )


def caddy(
    home: Path,
    *,
    https_port: int,
    http_port: int,
    webhook_path: str,
    workers: tuple[str, str],
) -> Caddy:
    """A Caddy (not started) whose Caddyfile imports the production routes file."""
    binary = caddy_binary()
    assert binary is not None, "caddy is not installed (make caddy)"
    (home / "data").mkdir(parents=True, exist_ok=True)
    (home / "config").mkdir(parents=True, exist_ok=True)
    caddyfile = home / "Caddyfile"
    caddyfile.write_text(
        "{\n"
        "\tadmin off\n"
        "\tskip_install_trust\n"
        f"\thttp_port {http_port}\n"
        f"\thttps_port {https_port}\n"
        "\tauto_https disable_redirects\n"
        "}\n\n"
        f"https://127.0.0.1:{https_port} {{\n"
        "\tbind 127.0.0.1\n"
        "\ttls internal\n"
        f"\timport {CADDY_ROUTES}\n"
        "}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPS_")} | {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "SHOPKEEPS_WEBHOOK_PATH": webhook_path,
        "SHOPKEEPS_WORKER_1": workers[0],
        "SHOPKEEPS_WORKER_2": workers[1],
    }
    argv = [binary, "run", "--config", str(caddyfile), "--adapter", "caddyfile"]
    return Caddy(Service("caddy", argv, env, home), https_port, home)
