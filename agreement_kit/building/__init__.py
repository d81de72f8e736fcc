"""`build` (the command): the pipeline end to end for one or more specs: load, validate,
assemble, render, write.

A feature: imports the pipeline (``load``, ``assembly``, ``render``) and
``utils``, never another feature.
"""
