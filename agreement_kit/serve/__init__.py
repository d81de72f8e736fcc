"""`agreement-kit serve`: a local drafting page for HR directors.

A Starlette app on 127.0.0.1 whose page is generated from the clause library
(outlines, clauses, parameters, variants, commentary) and the spec's JSON
Schema, never written per clause. Each change is turned back into a spec,
checked and assembled by the ordinary pipeline, and answered with the
HTML preview, the review's findings and the pipeline's own problems by
field. An interface layer like ``cli``: it imports features and the
pipeline; nothing imports it.
"""
