"""The embedded sandbox: a local aiohttp server speaking Vapi, HMS Sovereign and VoiceBot Studio.

Where things are:
- traffic: `world` (all calls and the live keepers), `history` (ended calls made at start),
  `call_factory` (ids, numbers, assistants), `player` (one live call in time and its control),
  `conversation` + `scenarios` (scripts laid out in time), `callbook` (indexes), `clock`.
- sound: `speech` (espeak-ng clips), `call_audio` (the two channels as placed clips).
- the wire: `vapi_shape`, `hms_shape`, `voicebot_shape`, `call_facts`; `routes_*`, `monitor`
  (listen socket, control), `recordings`, `commands`, `lookup`, `wire` (JSON, error shapes, keys).
- running it: `server` (middlewares: faults, rate limits, auth), `faults`, `state`, `embedded`, `cli`.
Imports `app.domain` (and `app.paths` for the resources folder), never providers, live or ui.
"""
