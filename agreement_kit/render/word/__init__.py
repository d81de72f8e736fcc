"""Word packaging for the .docx renderer and the features' Word documents:
the template read once per process, WordprocessingML written as text,
native comments, Word's list numbering, and a deterministic zip writer.
"""
