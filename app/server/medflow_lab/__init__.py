"""medflow's embedded JupyterLab server: a jupyterlab_server app serving the JupyterLab 4
frontend built in app/build by app/webpack.config.js, plus medflow's prebuilt extension."""

from .app import MedflowLab


def _jupyter_server_extension_points():
    # Lets jupyter_server load this package as the extension that `python -m medflow_lab` starts.
    return [{"module": "medflow_lab.app", "app": MedflowLab}]


__all__ = ["MedflowLab"]
