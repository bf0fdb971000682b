"""The notebooks' side: an analyst's working parameters in JupyterLab (``working``) and notebooks saved and
committed without outputs (``nbclean``).

May import any stage (it sits on top, like ``helpers.cli``); no stage imports it.
"""
