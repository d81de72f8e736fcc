"""`review` (the command): a staff-side chair's findings on an agreement against the model,
and their Markdown, HTML and Word reports.

A feature: imports the pipeline (``load``, ``assembly``, ``render``) and
``utils``, never another feature.
"""
