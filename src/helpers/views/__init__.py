"""Stage 3, the views: what a reader sees, read from the findings and never re-analysed. The briefing's
text and tables (``briefing``, ``changes_md``, ``judgements_md``, ``downloads``, ``cite``), the notebooks'
check tables (``overview``), chart titles and alt text (``captions``), the charts (``charts``, drawn by
the ``chart_renderer``, their SVGs and the Vega bundle made once by ``chart_cache``), Markdown output in notebooks (``markdown``), fonts (``fonts``) and accessible
HTML tables (``html_a11y``).

May import: the base modules, ``helpers.data`` and ``helpers.analysis``. Never publish or lab.
"""
