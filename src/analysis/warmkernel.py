"""A kernel kept running between notebook runs (issue 22).

Each report worker starts one kernel and runs its notebooks on it in turn, with papermill on
the already started kernel manager, instead of a new kernel, and a new import of pandas,
matplotlib and pyarrow, per notebook: starting a kernel and those imports took five seconds of
a run on the 2-core machine, shutting it down one more.

Every run still starts as in a new kernel. Before it the kernel forgets the last run's
namespace and execution count, drops the package's modules (so that the package's state, such
as the processed files read, and the run record's list of the package code used are this run's
alone; importing the package again takes a fifth of a second, the libraries stay loaded),
restores matplotlib's settings and the warning filters as they were before the first run,
closes every figure, sets ANALYSIS_ROOT and moves to the notebook's folder. What the libraries
keep stays: matplotlib's font caches, and the base fonts and PDF font subsets that
`analysis.fontcache` keeps in matplotlib's module (the same glyphs give the same bytes,
whichever run asked first).

A run that fails, for whatever reason (an error in a cell, a timeout, a kernel that died), ends
the kernel: the next run starts a new one, so that nothing a broken run left behind reaches the
next. What the kernel process writes outside any cell (its own error messages) goes to this
process's stderr, which the report points at the current run's log.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

# The kernel's side, a module of its own (`_analysis_warm_kernel`): it keeps matplotlib's
# settings and the warning filters as a new kernel has them, and prepares each run.
_KERNEL_SIDE = """
import importlib, os, sys, warnings
import matplotlib, matplotlib.pyplot
from IPython import get_ipython

rc = matplotlib.rcParams.copy()
filters = warnings.catch_warnings()
filters.__enter__()

def prepare(folder, root):
    global filters
    get_ipython().reset(new_session=True)
    for name in [n for n in sys.modules if n == "analysis" or n.startswith("analysis.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    matplotlib.pyplot.close("all")
    dict.update(matplotlib.rcParams, rc)  # as matplotlib's own rc_context restores them
    filters.__exit__(None, None, None)
    filters = warnings.catch_warnings()
    filters.__enter__()
    os.environ["ANALYSIS_ROOT"] = root
    os.chdir(folder)
"""
# Run once, after the kernel started: that module, then the package with every theme module,
# which imports the libraries they use (the package itself is dropped before each run), and
# the PDF font bases (`fontcache`), which stay in matplotlib's module.
_PRELOAD = """
import importlib, pkgutil, sys, types
_side = types.ModuleType("_analysis_warm_kernel")
exec({kernel_side!r}, _side.__dict__)
sys.modules[_side.__name__] = _side
try:
    import analysis.notebook, analysis.themes
    for _module in pkgutil.iter_modules(analysis.themes.__path__, "analysis.themes."):
        importlib.import_module(_module.name)
    if {prepare_fonts!r}:  # this kernel will save many charts' PDFs
        import analysis.plotting
        analysis.plotting.prepare_pdf_fonts()
except Exception:  # the notebook's own import fails in its cell, where its log shows it
    pass
"""
_PREPARE = "import _analysis_warm_kernel; _analysis_warm_kernel.prepare({folder!r}, {root!r})"


class KernelError(RuntimeError):
    """The kernel could not be prepared for a run."""


def _manager_class():
    from jupyter_client.manager import AsyncKernelManager

    class Manager(AsyncKernelManager):
        """Remembers the clients opened on its kernel (papermill opens one per run and leaves
        it open on a kernel it did not start), so that they can be closed after each run."""

        def client(self, **kwargs):
            client = super().client(**kwargs)
            self.opened.append(client)
            return client

    return Manager


class WarmKernel:
    """One kernel that runs notebooks one after another (see the module's doc)."""

    def __init__(self, kernel_name: str, start_timeout: float, extra_arguments: list[str],
                 prepare_fonts: bool = True):
        self.kernel_name = kernel_name
        self.start_timeout = start_timeout
        self.extra_arguments = list(extra_arguments)
        # Build the PDF font bases as the kernel starts: worth it for a kernel that will run
        # several notebooks, not for one rerun (about 0.8 s, earned back over two or three).
        self.prepare_fonts = prepare_fonts
        self.manager = None
        self._control = None  # our own client: shell channel only
        self._forward: threading.Thread | None = None

    # -- the kernel's life ------------------------------------------------

    @property
    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.manager is not None and run_sync(self.manager.is_alive)()

    def start(self, folder: Path) -> None:
        """Start the kernel in `folder` and import the libraries; raises as papermill does when
        a kernel does not start (see `report.kernel_start_failed`)."""
        from jupyter_client import BlockingKernelClient
        from jupyter_core.utils import run_sync

        self.shutdown()
        self.manager = _manager_class()(kernel_name=self.kernel_name)
        self.manager.opened = []
        read_end, write_end = os.pipe()
        try:
            run_sync(self.manager.start_kernel)(extra_arguments=self.extra_arguments,
                                                cwd=str(folder), stdout=write_end,
                                                stderr=write_end, stdin=subprocess.DEVNULL)
        except BaseException:
            os.close(read_end)
            self.manager = None
            raise
        finally:
            os.close(write_end)
        self._forward = threading.Thread(target=_forward, args=(read_end,),
                                         name="kernel-output", daemon=True)
        self._forward.start()
        # A session of its own: a client sharing the manager's session would share its socket
        # identity with papermill's clients, and the kernel's replies would go to theirs.
        self._control = BlockingKernelClient()
        self._control.load_connection_info(self.manager.get_connection_info())
        self._control.start_channels(iopub=False, stdin=False, hb=False)
        self._control.wait_for_ready(timeout=self.start_timeout)
        self._run_silently(_PRELOAD.format(kernel_side=_KERNEL_SIDE,
                                           prepare_fonts=self.prepare_fonts))

    def shutdown(self) -> None:
        """End the kernel (it is idle or failed: nothing to wait for) and close its clients."""
        from jupyter_core.utils import run_sync

        if self.manager is None:
            return
        self._close_clients()
        if self._control is not None:
            self._control.stop_channels()
            self._control = None
        try:
            if run_sync(self.manager.is_alive)():
                run_sync(self.manager.shutdown_kernel)(now=True)
            else:
                run_sync(self.manager.cleanup_resources)()
        finally:
            self.manager = None
            if self._forward is not None:
                self._forward.join(timeout=5)  # ends when the kernel's output pipe closes
                self._forward = None

    def _close_clients(self) -> None:
        for client in self.manager.opened:
            client.stop_channels()
        self.manager.opened.clear()

    def _run_silently(self, code: str) -> None:
        """Run `code` in the kernel without output or history; raise KernelError if it
        failed."""
        msg_id = self._control.execute(code, silent=True, store_history=False)
        while True:
            reply = self._control.get_shell_msg(timeout=self.start_timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelError(f"preparing the kernel: {content.get('ename')}: "
                              f"{content.get('evalue')}")

    # -- runs ---------------------------------------------------------------

    def execute(self, source: Path, output: Path, root: Path, **papermill_kwargs) -> None:
        """papermill.execute_notebook(source, output, ...) on this kernel, prepared as a new
        one; starts the kernel if there is none (or it died). Any failure ends the kernel."""
        import papermill

        folder = Path(source).parent
        try:
            if not self.alive:
                self.start(folder)
            self._run_silently(_PREPARE.format(folder=str(folder), root=str(root)))
            papermill.execute_notebook(str(source), str(output), kernel_name=self.kernel_name,
                                       km=self.manager, **papermill_kwargs)
        except BaseException:
            self.shutdown()
            raise
        finally:
            if self.manager is not None:
                self._close_clients()


def _forward(read_end: int) -> None:
    """Copy the kernel's own output to this process's stderr (the current run's log)."""
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while chunk := pipe.read(65536):
            os.write(2, chunk)
