"""The demo: a sample roster generator (`sample`), the demo event (`seed`) and the live demo that drives it
through the fake Zoom and YouTube servers (`live`). Wiring, like `cli`: it may import any capability.
"""
