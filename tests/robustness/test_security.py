"""Security rules for src/: TLS verification is never turned off, and nothing loads data in a
way that can run code (unsafe YAML, pickle, eval/exec).

The source checks read the syntax tree, so a comment or a docstring that mentions `verify=False`
does not trip them, and `yaml.safe_load` or a function called `verify` is not mistaken for a
problem. Each check is first shown to catch planted examples, so a scanner that silently stops
matching fails here too. The live client is then checked against a real TLS server on 127.0.0.1
whose certificate nobody trusts.
"""

from __future__ import annotations

import ast
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from analysis.live.config import HttpPolicy
from analysis.live.http import FetchError, HttpClient
from analysis.paths import REPO_ROOT

SRC = REPO_ROOT / "src"

# ---------------------------------------------------------------------------
# The scanners
# ---------------------------------------------------------------------------


def _name(node: ast.AST) -> str:
    """Dotted name of a call target or attribute: `yaml.load`, `pd.read_pickle`, `eval`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _name(node.value)
        return f"{inner}.{node.attr}" if inner else node.attr
    if isinstance(node, ast.Call):
        return _name(node.func)
    return ""


def _falsy_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and not node.value


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
PICKLE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "marshal",
                  "shelve", "jsonpickle"}
PICKLE_FUNCTIONS = {"load", "loads", "open", "Unpickler", "decode"}


def tls_problems(tree: ast.AST) -> list[tuple[int, str]]:
    """Places that turn TLS verification off, or hide the warning that it is off."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            verify = _keyword(node, "verify")
            if verify is not None and _falsy_constant(verify):
                found.append((node.lineno, "verify=<false> in a call"))
            hostname = _keyword(node, "check_hostname")
            if hostname is not None and _falsy_constant(hostname):
                found.append((node.lineno, "check_hostname=<false> in a call"))
            name = _name(node.func)
            if name.endswith("disable_warnings"):
                found.append((node.lineno, f"{name}(): hides InsecureRequestWarning"))
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (isinstance(target, ast.Attribute)
                        and target.attr in ("verify", "check_hostname")
                        and node.value is not None and _falsy_constant(node.value)):
                    found.append((node.lineno, f".{target.attr} = <false>"))
                if (isinstance(target, ast.Subscript)
                        and isinstance(target.slice, ast.Constant)
                        and target.slice.value in ("PYTHONHTTPSVERIFY", "CURL_CA_BUNDLE",
                                                   "REQUESTS_CA_BUNDLE")):
                    found.append((node.lineno, f"sets {target.slice.value}"))
        if isinstance(node, ast.Attribute) and node.attr in (
                "CERT_NONE", "_create_unverified_context", "InsecureRequestWarning"):
            found.append((node.lineno, node.attr))
        if isinstance(node, ast.Name) and node.id in ("CERT_NONE", "_create_unverified_context"):
            found.append((node.lineno, node.id))
    return found


def loading_problems(tree: ast.AST) -> list[tuple[int, str]]:
    """Calls that can run code hidden in data: YAML without a safe loader, pickle and its kin,
    pandas' read_pickle, numpy's allow_pickle, eval/exec."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        module, _, function = name.rpartition(".")
        last = function or name
        if module.split(".")[-1:] == ["yaml"] or last in ("unsafe_load", "full_load",
                                                          "unsafe_load_all", "full_load_all"):
            if last in ("unsafe_load", "full_load", "unsafe_load_all", "full_load_all"):
                found.append((node.lineno, f"{name}()"))
            elif last in ("load", "load_all"):
                loader = _keyword(node, "Loader")
                if loader is None and len(node.args) > 1:
                    loader = node.args[1]
                loader_name = _name(loader).rpartition(".")[2] if loader is not None else ""
                if loader_name not in SAFE_YAML_LOADERS:
                    found.append((node.lineno, f"{name}() without a safe Loader"))
        if module.split(".")[-1] in PICKLE_MODULES and last in PICKLE_FUNCTIONS:
            found.append((node.lineno, f"{name}()"))
        if last in ("Unpickler", "read_pickle"):
            found.append((node.lineno, f"{name}()"))
        if last == "load" and module.split(".")[-1] in ("torch",):
            found.append((node.lineno, f"{name}()"))
        allow = _keyword(node, "allow_pickle")
        if allow is not None and not _falsy_constant(allow):
            found.append((node.lineno, f"{name}(allow_pickle=...)"))
        if name in ("eval", "exec", "builtins.eval", "builtins.exec", "pd.eval", "pandas.eval"):
            found.append((node.lineno, f"{name}()"))
    return found


def scan(check, root: Path = SRC) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        problems += [f"{path.relative_to(REPO_ROOT)}:{line}: {what}"
                     for line, what in check(tree)]
    return problems


# ---------------------------------------------------------------------------
# The scanners catch what they should, and only that
# ---------------------------------------------------------------------------

TLS_BAD = [
    "requests.get(url, verify=False)",
    "session.get(url, timeout=5, verify=0)",
    "session.verify = False",
    "self.session.verify = None",
    "ctx = ssl._create_unverified_context()",
    "ctx.verify_mode = ssl.CERT_NONE",
    "ctx.check_hostname = False",
    "urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)",
    "os.environ['PYTHONHTTPSVERIFY'] = '0'",
    "os.environ['CURL_CA_BUNDLE'] = ''",
]
TLS_GOOD = [
    "requests.get(url, verify=True)",
    "session.get(url, verify='/etc/ssl/certs/ca.pem')",
    "manifest, warnings = rawstore.verify(paths, ids)",
    "x = 'verify=False'  # only text",
    "def verify(paths): return False",
]
LOAD_BAD = [
    "yaml.load(text)",
    "yaml.load(text, Loader=yaml.Loader)",
    "yaml.load(text, yaml.UnsafeLoader)",
    "yaml.load_all(text, Loader=yaml.FullLoader)",
    "yaml.unsafe_load(text)",
    "yaml.full_load(text)",
    "pickle.load(fh)",
    "pickle.loads(blob)",
    "pickle.Unpickler(fh).load()",
    "joblib.load(path)",
    "dill.loads(blob)",
    "pd.read_pickle(path)",
    "frame = pandas.read_pickle(path)",
    "np.load(path, allow_pickle=True)",
    "eval(cell)",
    "exec(code)",
    "pd.eval(expression)",
]
LOAD_GOOD = [
    "yaml.safe_load(text)",
    "yaml.load(text, Loader=yaml.SafeLoader)",
    "yaml.load(text, Loader=yaml.CSafeLoader)",
    "json.loads(text)",
    "pd.read_parquet(path)",
    "np.load(path)",
    "np.load(path, allow_pickle=False)",
    "rawfiles.read_raw(path, spec)",
    "frame.to_pickle",  # an attribute, not a call
]


@pytest.mark.parametrize("code", TLS_BAD)
def test_the_tls_scanner_catches(code):
    assert tls_problems(ast.parse(code)), code


@pytest.mark.parametrize("code", TLS_GOOD)
def test_the_tls_scanner_lets_pass(code):
    assert tls_problems(ast.parse(code)) == []


@pytest.mark.parametrize("code", LOAD_BAD)
def test_the_loading_scanner_catches(code):
    assert loading_problems(ast.parse(code)), code


@pytest.mark.parametrize("code", LOAD_GOOD)
def test_the_loading_scanner_lets_pass(code):
    assert loading_problems(ast.parse(code)) == []


# ---------------------------------------------------------------------------
# src/ itself
# ---------------------------------------------------------------------------


def test_src_has_python_files_to_scan():
    assert len(list(SRC.rglob("*.py"))) >= 10  # the scan below is not vacuous


def test_tls_verification_is_never_turned_off_in_src():
    assert scan(tls_problems) == []


def test_no_unsafe_yaml_pickle_or_eval_in_src():
    assert scan(loading_problems) == []


# ---------------------------------------------------------------------------
# The live client against a TLS server whose certificate nobody trusts
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is needed to make a test certificate", pytrace=False)
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def tls_server(self_signed):
    cert, key = self_signed
    answered = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server API)
            answered.append(self.path)
            body = b"a,b\n1,2\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda *a: None  # the refused handshakes are expected here
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                     daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/data.csv", cert, answered
    finally:
        server.shutdown()
        server.server_close()


POLICY = HttpPolicy(timeout=(2.0, 2.0), attempts=3, backoff=0.01, backoff_max=0.1, deadline=10)


def test_sessions_verify_by_default():
    with HttpClient("test", POLICY) as http:
        assert http.session.verify is True


@pytest.mark.parametrize("env", [{}, {"CURL_CA_BUNDLE": "", "REQUESTS_CA_BUNDLE": ""}],
                         ids=["plain", "empty-ca-bundle-variables"])
def test_an_untrusted_certificate_is_refused_once_naming_the_url(tls_server, monkeypatch, env):
    """Empty CA-bundle variables once turned verification off in requests; not here."""
    url, cert, answered = tls_server
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with HttpClient("test", POLICY) as http, pytest.raises(FetchError) as err:
        http.get(url)
    message = str(err.value)
    assert message.startswith(url)
    assert "certificate" in message and "not retried" in message
    assert http.requests == 1  # a certificate does not get better by asking again
    assert answered == []  # no request ever reached the server
    # The server itself works: a client that trusts its certificate gets the data.
    assert requests.get(url, verify=str(cert), timeout=5).content == b"a,b\n1,2\n"
    assert answered == ["/data.csv"]
