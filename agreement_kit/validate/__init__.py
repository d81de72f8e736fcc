"""`validate`: check specs and clause libraries, collecting every problem;
whole-library checks render every clause for every nation and kind.

A feature: imports the pipeline (``load``, ``assembly``) and ``utils``,
never another feature.
"""
