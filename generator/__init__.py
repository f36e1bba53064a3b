"""The Integrated Care Casebook generator: load -> validate -> model -> render.

A plain library: it knows nothing of MkDocs. `site.build(root, folder)` writes the
generated pages and files into a folder and lists them; `hooks/casebook.py` hands them to MkDocs.
"""
