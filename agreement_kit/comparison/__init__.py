"""`compare` (the command): two versions of an agreement clause by clause, as Word tracked
changes and a Markdown/HTML redline.

A feature: imports the pipeline (``load``, ``assembly``, ``render``) and
``utils``, never another feature.
"""
