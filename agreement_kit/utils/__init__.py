"""Small shared utilities: user errors, atomic writes, fixed document time,
bundled resources, format choices and word-level redlines.

The lowest layer: imports nothing else from agreement_kit.
"""
