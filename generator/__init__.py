"""The Integrated Care Casebook generator: load -> validate -> model -> render.

A plain library: it knows nothing of MkDocs. `site.build(root)` returns the
generated pages and files; `hooks/casebook.py` hands them to MkDocs.
"""
