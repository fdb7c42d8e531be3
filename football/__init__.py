"""Flag football itself, with no Django and nothing else of FieldOS.

One definition of each piece of football knowledge the project uses: the NFL FLAG
rules profile (`rules`), the roles on each side (`roles`), defender duties and what a
defense call means for each defender (`duties`), situations and their buckets
(`situations`), and which route names stop at their last breakpoint (`routes`).

Validation, the importer, the engine's demo loader, the pictures and the field editor
all read these modules, so the same call, role or bucket means the same thing on every
path. docs/domain.md states the contract in words. The package imports only the
standard library; the import contracts in pyproject.toml keep it that way.
"""
