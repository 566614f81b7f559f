"""Every meeting cycle, generated (issue 24).

`strategies` makes realistic networks (every sheet and column taken from `schema.py`); `machine` runs the
meeting cycle on them as a hypothesis state machine (the commands a team runs, in-process, and the edits it
makes between meetings, the date moving forward); `invariants` is the registry of what must hold after every
step, for every file the step wrote. To add an invariant, see `invariants.invariant`.
"""
