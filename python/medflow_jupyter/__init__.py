"""medflow for pip users: the wheel installs the prebuilt JupyterLab extension and the medflow
kernelspec into share/jupyter (its shared data).

The kernel itself is the Node.js program of the `medflow` npm package; the kernelspec starts it
as `medflow kernel -f <connection file>`, found on PATH after `npm install -g medflow`.
"""

__version__ = "0.1.0"
