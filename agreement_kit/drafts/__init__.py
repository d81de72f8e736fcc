"""`review DRAFT.docx` (the command, on a Word draft): read a draft agreement a
staff-side chair received, map its clauses onto the library, and report the
findings as comments in their own document and as a Markdown/HTML report.

A feature: imports the pipeline (``load``, ``assembly``, ``render``) and
``utils``, never another feature.
"""
