"""`batch`: agreements for many employers from a folder of specs or a table,
in parallel, reproducibly and resumably.

A feature: imports the pipeline (``load``, ``assembly``, ``render``) and
``utils``, never another feature.
"""
