"""Alerts on live calls: the rules (one module each), their settings file, and the engine that runs them."""
