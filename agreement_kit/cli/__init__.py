"""The `agreement-kit` command line: the top layer.

Each command maps its flags onto one public function of a feature; only
this layer prints errors and chooses exit codes.
"""
