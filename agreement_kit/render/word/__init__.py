"""Word packaging for the .docx renderer and the features' Word documents:
the template read once per process, WordprocessingML written as text, and a
deterministic zip writer.
"""
