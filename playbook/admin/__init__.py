"""The coach's editor: every playbook object, scoped to the user's teams.

Child rows (slots, breakpoints, assignments, defenders, spots, entries) are edited
inline. A save hands the form and its rows to the object's writer in
playbook.services (the same one the API, the importer and restore use); when it
refuses, the page comes back with each error next to the field or row its path names
and nothing stored. Warnings are stored by the writer and shown on the page and in
the lists.

forms, inlines and filters hold the pieces; base the shared TeamOwnedAdmin; one
module per group of admins registers them (setup, shapes, plays, books). The
simulation app adds its Simulate and Train actions to these admins itself.
"""

from playbook.admin import books, plays, setup, shapes  # noqa: F401  (register the admins)
