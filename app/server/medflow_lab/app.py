"""The MedflowLab server application (a jupyterlab_server LabServerApp)."""

import json
import os
import signal

from jupyter_core.paths import jupyter_config_dir
from jupyterlab_server import LabServerApp
from tornado.ioloop import PeriodicCallback
from traitlets import Bool, default

from .handlers import (
    REPLACEMENTS,
    EventsSubscribeHandler,
    IdentityHandler,
    LanguageServersStatusHandler,
)

# Set by medflow's launcher (kernel/src/cli/lab.ts) to its own process id.
LAUNCHER_PID_ENV = "MEDFLOW_LAB_LAUNCHER_PID"

HERE = os.path.dirname(os.path.abspath(__file__))
# app/server/medflow_lab -> app -> the package root
APP_DIR = os.path.dirname(os.path.dirname(HERE))
ROOT_DIR = os.path.dirname(APP_DIR)


def _read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class MedflowLab(LabServerApp):
    """Serves the JupyterLab 4 frontend of app/build with medflow's prebuilt extension.

    Every path is a trait with a @default method (not a plain class attribute, which would hide
    the trait), so `--MedflowLab.workspaces_dir=...` and friends override them.
    """

    name = "medflow-lab"
    app_name = "JupyterLab (medflow)"
    description = "JupyterLab with the medflow extension"
    extension_url = "/lab"
    # Only this app: other server extensions installed on the machine stay out of it.
    load_other_extensions = False

    expose_app_in_browser = Bool(
        False, config=True, help="Expose the JupyterLab app object as `window.jupyterapp`."
    )

    @default("app_version")
    def _default_app_version(self):
        return _read_json(os.path.join(ROOT_DIR, "package.json"))["version"]

    @default("static_dir")
    def _default_static_dir(self):
        return os.path.join(APP_DIR, "build")

    @default("schemas_dir")
    def _default_schemas_dir(self):
        return os.path.join(APP_DIR, "schemas")

    @default("themes_dir")
    def _default_themes_dir(self):
        return os.path.join(APP_DIR, "themes")

    @default("templates_dir")
    def _default_templates_dir(self):
        return os.path.join(HERE, "templates")

    @default("app_settings_dir")
    def _default_app_settings_dir(self):
        # Optional overrides.json / page_config.json for the whole app.
        return os.path.join(APP_DIR, "settings")

    @default("user_settings_dir")
    def _default_user_settings_dir(self):
        return os.path.join(jupyter_config_dir(), "medflow-lab", "user-settings")

    @default("workspaces_dir")
    def _default_workspaces_dir(self):
        return os.path.join(jupyter_config_dir(), "medflow-lab", "workspaces")

    @default("extra_labextensions_path")
    def _default_extra_labextensions_path(self):
        # labextension/medflow/ is medflow's own prebuilt extension (npm run build:labextension).
        return [os.path.join(ROOT_DIR, "labextension")]

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers[:] = [
            (item[0], REPLACEMENTS.get(item[1], item[1]), *item[2:]) for item in self.handlers
        ]
        self.handlers.extend(
            [
                (r"/api/me", IdentityHandler),
                (r"/api/events/subscribe", EventsSubscribeHandler),
                (r"/lsp/status", LanguageServersStatusHandler),
            ]
        )
        self._stop_with_launcher()

    def _stop_with_launcher(self):
        """Shuts the server down (as on SIGTERM: kernels first) once the medflow process that
        started it is gone, killed or crashed: a JupyterLab left behind would keep its port,
        its kernels and the user's token alive with nobody to stop it."""
        launcher = os.environ.get(LAUNCHER_PID_ENV)
        if not launcher:
            return

        def check():
            if os.getppid() != int(launcher):
                self.log.warning(
                    "medflow (pid %s) that started this server is gone; stopping", launcher
                )
                os.kill(os.getpid(), signal.SIGTERM)

        PeriodicCallback(check, 1000).start()


main = launch_new_instance = MedflowLab.launch_instance
