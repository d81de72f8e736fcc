"""Small shared utilities: user errors, atomic writes, fixed document time,
bundled resources, format choices, word-level redlines and writing YAML.

The lowest layer: imports nothing else from agreement_kit.
"""
