"""`python -m medflow_lab [jupyter_server flags]`: start the server and its JupyterLab."""

from .app import main

if __name__ == "__main__":
    main()
