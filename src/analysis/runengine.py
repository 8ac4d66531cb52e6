"""The papermill engine the report runs notebooks with: papermill's own nbclient engine, but
the executed notebook is written once, when the run ends, not before and after every cell
(issue 22).

papermill writes the output notebook as each cell starts and ends, so that a long run can be
watched. A report notebook's executed copy grows to 2-4 MB with its figures, and writing it
some sixty times a run cost a quarter of a second of the worker's time per notebook, for a
file no one opens before the run ends (each run's log shows its progress as it goes).

What is written is what papermill writes: after a run, or after a cell's error, papermill
writes the notebook itself (`papermill.execute`); when the run stops otherwise (a cell timed
out, the kernel died, the run was interrupted), this engine writes what ran so far, as
papermill's per-cell saves would have left it.
"""

from __future__ import annotations

NAME = "analysis-save-at-end"


def register() -> str:
    """Register the engine with papermill (again is harmless); return its name, for
    `papermill.execute_notebook(..., engine_name=...)`."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class SaveAtEndManager(NotebookExecutionManager):
        """Saves only when `save_now` is set: papermill writes a finished run itself."""

        save_now = False

        def save(self, **kwargs):
            if self.save_now:
                super().save(**kwargs)

        def autosave_cell(self):
            return None  # the periodic save during a long cell's output: not needed either

    class SaveAtEndEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                             log_output=False, autosave_cell_every=30, **kwargs):
            # As papermill's Engine.execute_notebook, with the manager above.
            nb_man = SaveAtEndManager(nb, output_path=output_path, progress_bar=progress_bar,
                                      log_output=log_output,
                                      autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output,
                                             **kwargs)
            except BaseException:
                nb_man.save_now = True  # papermill will not write it: keep what ran
                raise
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(NAME, SaveAtEndEngine)
    return NAME
