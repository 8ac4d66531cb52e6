"""A real Jupyter server on 127.0.0.1: create a session through its REST API and run a theme
notebook, cell by cell, in that server's kernel over the kernel websocket, as JupyterLab does."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import websocket

from analysis import catalogue
from analysis.paths import REPO_ROOT

KERNEL = "almaty-analysis"
DISPLAY_NAME = f"Python ({KERNEL}, test {secrets.token_hex(4)})"
VENV_KERNELS = Path(sys.prefix) / "share" / "jupyter" / "kernels"


def _venv_kernels() -> dict[str, bytes]:
    """The kernelspec files installed in the venv (`make` installs the project's there)."""
    return {p.relative_to(VENV_KERNELS).as_posix(): p.read_bytes()
            for p in sorted(VENV_KERNELS.rglob("*")) if p.is_file()}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def jupyter_server(fresh_copy, tmp_path):
    """A jupyter server rooted at a copy of notebooks/, reading data from a built root."""
    shutil.copytree(REPO_ROOT / "notebooks", tmp_path / "notebooks")
    port, token = _free_port(), secrets.token_hex(16)
    # The kernelspec goes to a temporary prefix that only this server reads (JUPYTER_PATH is
    # searched first), never into the developer's venv or home.
    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(prefix),
                    "--name", KERNEL, "--display-name", DISPLAY_NAME], check=True,
                   capture_output=True)
    env = {**os.environ, "ANALYSIS_ROOT": str(fresh_copy.root), "JUPYTER_RUNTIME_DIR":
           str(tmp_path / "runtime"), "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={token}", "--allow-root",
         f"--ServerApp.root_dir={tmp_path / 'notebooks'}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/api/status", headers=headers, timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"jupyter server did not start: {server.stderr.read()[-2000:]}")
        time.sleep(0.3)
    try:
        yield base, token, headers
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _execute(ws, code: str, timeout: float = 120) -> tuple[str, list[dict]]:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    outputs, status, idle = [], None, False
    deadline = time.monotonic() + timeout
    while not (status and idle):
        assert time.monotonic() < deadline, f"cell timed out:\n{code[:200]}"
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "execute_reply":
            status = msg["content"]["status"]
            if status == "error":
                outputs.append(msg["content"])
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
        elif kind in ("display_data", "execute_result", "error", "stream"):
            outputs.append(msg)
    return status, outputs


@pytest.fixture
def venv_kernels_untouched():
    before = _venv_kernels()
    yield
    assert _venv_kernels() == before, "the test changed the venv's kernelspecs"


def test_theme_notebook_runs_in_a_jupyter_server_kernel(venv_kernels_untouched, jupyter_server):
    base, token, headers = jupyter_server
    specs = requests.get(f"{base}/api/kernelspecs", headers=headers, timeout=30).json()
    assert specs["kernelspecs"][KERNEL]["spec"]["display_name"] == DISPLAY_NAME  # ours
    notebook = catalogue.theme("remittances").notebook
    session = requests.post(f"{base}/api/sessions", headers=headers, timeout=30, json={
        "path": notebook, "type": "notebook", "name": notebook, "kernel": {"name": KERNEL}})
    assert session.status_code == 201, session.text
    kernel_id = session.json()["kernel"]["id"]
    assert session.json()["kernel"]["name"] == KERNEL

    cells = json.loads((REPO_ROOT / "notebooks" / notebook).read_text())["cells"]
    code_cells = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/api/kernels/{kernel_id}/channels?token={token}",
        timeout=180)
    images = 0
    try:
        for code in code_cells:
            status, outputs = _execute(ws, code)
            assert status == "ok", f"cell failed:\n{code[:300]}\n{outputs}"
            images += sum(1 for o in outputs if "image/png" in o.get("content", {}).get("data", {}))
    finally:
        ws.close()
    assert images >= 1, "the notebook showed no chart inline"
    assert requests.delete(f"{base}/api/sessions/{session.json()['id']}", headers=headers,
                           timeout=30).status_code == 204
