"""Stage 4, publishing: run the notebooks (``notebooks``, ``kernelspec``), render HTML and PDF (``render``,
``quarto``, ``briefing_doc``, ``printable``), keep drafts and editions (``build``, ``config``, ``inputs``,
``checks``, ``editions``, ``manifest``, ``lock``, ``atomic``, ``errors``), and publish the site (``site``,
``site_editions``, ``site_pages``, ``feed``, ``archive``).

May import: the base modules and the stages before it (data, analysis, views). Never lab.
"""
