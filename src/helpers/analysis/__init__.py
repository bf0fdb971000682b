"""Stage 2, the analysis: every finding computed once from an edition's processed tables. Standings
(``standings``), the findings the text prints (``findings``), the analysis tables (``tables``),
disagreements (``disagreements``), what changed since the previous edition (``changes``, from ``news``,
``news_rules``, ``news_words``, ``corrections`` and ``cells``), the analyst's judgements held to the
evidence (``judgements``), and notebook 02's run and files (``run``).

May import: the base modules and ``helpers.data``. Never views, publish or lab: the Markdown a reader sees
is the views' job (a finding carries only the words it is stated in: a label, a news item's sentence).
"""
