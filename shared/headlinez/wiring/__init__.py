"""Composition roots: the modules that wire adapters to services for Lambda functions sharing one
wiring (the five brief steps). Other functions wire in their own functions/<name>/app.py."""
