"""The portal's kernel: helpers every app uses (the GOV.UK form renderer and fields, uploads,
exports, working days, table helpers, the client address, the scheduled commands' dates).

It imports no app of the portal (docs/architecture.md, layers; checked by import-linter).
"""
