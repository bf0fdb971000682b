"""A person's path through JupyterLab, over the server's REST API and kernel websocket.

Starts `jupyter server` on 127.0.0.1 (a free port, a token, a temporary runtime and config folder)
rooted at the repo, lists notebooks/ through /api/contents, starts a kernel through /api/kernels and
runs `import helpers` in it: the package must come from the editable install, with no path hacks.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import helpers
from helpers import paths

pytestmark = pytest.mark.needs("jupyter_server")


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    log: Path

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        import urllib.error
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(paths.ROOT, tmp_path_factory.mktemp("jupyter")) as srv:
        yield srv


@contextlib.contextmanager
def serve(root: Path, tmp: Path) -> Iterator[Server]:
    """A Jupyter server rooted at ``root``, with this environment's config (the project's save hook) only."""
    tmp.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),  # no user config leaks in
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    log = tmp / "server.log"
    with log.open("w") as log_fh:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "jupyter_server",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                "--ServerApp.open_browser=False", "--ServerApp.disable_check_xsrf=True",
                *(["--allow-root"] if os.geteuid() == 0 else []),  # containers and CI run as root
            ],
            stdout=log_fh, stderr=subprocess.STDOUT, env=env, cwd=tmp, stdin=subprocess.DEVNULL,
        )
    srv = Server(url=f"http://127.0.0.1:{port}", token=token, log=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                status, _ = srv.request("GET", "/api/status")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter server did not answer within 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_token_is_required(server: Server) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server.url + "/api/contents/notebooks", timeout=10)
    assert info.value.code == 403


def test_notebooks_folder_is_listed(server: Server) -> None:
    status, listing = server.request("GET", "/api/contents/notebooks")
    assert status == 200, listing
    assert isinstance(listing, dict) and listing["type"] == "directory"
    listed = {item["name"] for item in listing["content"] if item["type"] == "notebook"}
    on_disk = {p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")}
    assert listed >= on_disk
    # The pipeline's notebooks are among them (once they are written) and open as notebooks.
    for name in sorted(on_disk)[:1]:
        status, model = server.request("GET", f"/api/contents/notebooks/{name}")
        assert status == 200 and isinstance(model, dict) and model["type"] == "notebook"
        assert model["content"]["metadata"]["kernelspec"]["name"]


def _execute(server: Server, kernel_id: str, code: str, timeout: float = 60) -> str:
    """Run code in the kernel over the websocket; return its stdout (raises on an error reply)."""
    import websocket  # websocket-client, a dependency of jupyter_server

    ws_url = server.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {server.token}"], timeout=timeout)
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        out: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                raise AssertionError(f"{msg['content']['ename']}: {msg['content']['evalue']}")
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)
        raise AssertionError(f"no reply within {timeout} s; got {out!r}")
    finally:
        ws.close()


@pytest.mark.parametrize("kernel_name", ["python3", "isf-briefing"])
def test_kernel_imports_the_installed_package(server: Server, kernel_name: str) -> None:
    if kernel_name == "isf-briefing":
        from helpers.publish.kernelspec import ensure_kernelspec

        ensure_kernelspec()  # what `dev.py lab` and the build do
    status, specs = server.request("GET", "/api/kernelspecs")
    assert status == 200 and isinstance(specs, dict)
    assert kernel_name in specs["kernelspecs"], sorted(specs["kernelspecs"])

    status, kernel = server.request("POST", "/api/kernels", {"name": kernel_name, "path": "notebooks"})
    assert status == 201, kernel
    assert isinstance(kernel, dict)
    try:
        out = _execute(server, kernel["id"], "import helpers, sys; print(helpers.__file__); print(sys.prefix)")
        module_file, prefix = out.strip().splitlines()
        assert Path(module_file) == Path(helpers.__file__).resolve()
        assert Path(module_file).parent.name == "helpers" and Path(module_file).parent.parent.name == "src"
        assert Path(prefix) == Path(sys.prefix)  # the kernel runs this environment's Python
    finally:
        status, _ = server.request("DELETE", f"/api/kernels/{kernel['id']}")
        assert status == 204


def test_lab_writes_a_saved_notebook_without_outputs(tmp_path: Path) -> None:
    """What JupyterLab's Save does (a PUT of the open notebook, outputs and all), through the real server."""
    import nbformat

    from helpers.publish.kernelspec import ensure_kernelspec

    ensure_kernelspec()  # the save hook's config, as dev.py's set-up writes it
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "isf-briefing", "display_name": "Python 3 (ISF briefing)",
                                                           "language": "python"},
                                            "language_info": {"name": "python", "version": "3.11.7"}})
    cell = nbformat.v4.new_code_cell("print(1)", execution_count=3, outputs=[nbformat.v4.new_output("stream", text="1\n")])
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-31T10:00:00Z"}
    nb.cells = [cell]
    with serve(root, tmp_path / "jupyter") as srv:
        status, model = srv.request("PUT", "/api/contents/notebooks/scratch.ipynb", {"type": "notebook", "content": nb})
    assert status in (200, 201), model
    saved = json.loads((root / "notebooks" / "scratch.ipynb").read_text(encoding="utf-8"))
    assert saved["cells"][0]["outputs"] == [] and saved["cells"][0]["execution_count"] is None
    assert saved["cells"][0]["metadata"] == {} and "language_info" not in saved["metadata"]
    assert saved["metadata"]["kernelspec"]["name"] == "isf-briefing"
