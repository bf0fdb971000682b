"""Stage 1, the data: read the curated tables through the schema (``datapackage``), check them
(``validate`` with ``structure``, ``rules``, ``problems``; quotes against the reports with ``quotes`` and
``quote_record``), and turn them into one edition's typed tables (``clean``, written and read back by
``processed``, stamped by ``stamps``). Also the curator's commands (``curate``), the codebook's generated
tables (``codebook``), the code lists the rules rest on (``reference``) and the map's shapes (``geo``).

May import: the base modules (``helpers.paths``, ``helpers.fmt``, ``helpers.files``). Never analysis,
views, publish or lab.
"""
