"""Request handlers that fill gaps of the old servers Debian ships (jupyterlab_server 2.16 on
jupyter_server 1.23) for a JupyterLab 4 frontend."""

import getpass
import json

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.zmqhandlers import WebSocketMixin
from jupyterlab_server.handlers import LabHandler, NotFoundHandler
from tornado import web
from tornado.websocket import WebSocketHandler


class MedflowLabHandler(LabHandler):
    """The JupyterLab page, with the page config options this app adds."""

    def get_page_config(self):
        page_config = super().get_page_config()
        # Tests reach the app object as `window.jupyterapp` when this is on.
        page_config["exposeAppInBrowser"] = self.extensionapp.expose_app_in_browser
        return page_config


class MedflowNotFoundHandler(MedflowLabHandler):
    """Any other /lab/... URL: the page, with a "Path Not Found" notice.

    Upstream's NotFoundHandler writes `notFoundUrl` into the page config dict that every page
    load shares, so after a single 404 every later page opened a blocking "Path Not Found"
    dialog. This one sets it on a copy.
    """

    def get_page_config(self):
        page_config = dict(super().get_page_config())
        page_config["notFoundUrl"] = self.request.path
        return page_config


# Handlers that add_handlers() registers, and what replaces them here.
REPLACEMENTS = {LabHandler: MedflowLabHandler, NotFoundHandler: MedflowNotFoundHandler}


def _initials(name):
    parts = [part for part in name.replace("_", " ").replace("-", " ").split() if part]
    return "".join(part[0] for part in parts[:2]).upper() or name[:1].upper()


class IdentityHandler(APIHandler):
    """GET /api/me: who the user is and which of the asked permissions they hold.

    jupyter_server 2 has this endpoint; JupyterLab 4 asks it for the user shown in the top bar
    and in collaborative cursors. The identity here is the account the server runs as.
    """

    @web.authenticated
    def get(self):
        user = self.current_user
        username = user if isinstance(user, str) else getattr(user, "username", "user")
        name = getpass.getuser()
        try:
            asked = json.loads(self.get_argument("permissions", "{}"))
        except ValueError as error:
            raise web.HTTPError(400, "permissions is not valid JSON") from error
        if not isinstance(asked, dict):
            raise web.HTTPError(400, "permissions must be a JSON object")
        permissions = {
            resource: [
                action
                for action in actions
                if self.authorizer.is_authorized(self, user, action, resource)
            ]
            for resource, actions in asked.items()
        }
        self.finish(
            json.dumps(
                {
                    "identity": {
                        "username": username,
                        "name": name,
                        "display_name": name,
                        "initials": _initials(name),
                        "avatar_url": None,
                        "color": None,
                    },
                    "permissions": permissions,
                }
            )
        )


class EventsSubscribeHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """WebSocket /api/events/subscribe: jupyter_server 2's server-event stream.

    JupyterLab 4 keeps this socket open and retries (logging errors) when it is refused.
    jupyter_server 1.23 emits no events, so the stream stays silent; it only authenticates
    the client and keeps the connection alive.
    """

    def set_default_headers(self):
        # JupyterHandler's headers (CSP and friends) do not apply to a websocket upgrade.
        pass

    async def get(self, *args, **kwargs):
        if self.current_user is None:
            self.log.warning("Couldn't authenticate WebSocket connection")
            raise web.HTTPError(403)
        return await super().get(*args, **kwargs)

    def on_message(self, message):
        # Clients never send on this socket.
        pass


class LanguageServersStatusHandler(APIHandler):
    """GET /lsp/status: the language servers this server runs, in jupyter-lsp's format.

    JupyterLab's LSP client asks on start-up (and retries twice, logging 404s, if nothing
    answers). jupyter-lsp is not packaged for Debian, so this server runs none and says so:
    with no specs the client simply offers no language-server features.
    """

    @web.authenticated
    def get(self):
        self.finish(json.dumps({"version": 2, "sessions": {}, "specs": {}}))
