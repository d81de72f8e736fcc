"""`import` (the command): bring a generated agreement that was edited in Word
back into its spec, with a report of what was brought back.

A feature: imports the pipeline (``load``, ``assembly``) and ``utils``, never
another feature.
"""
