"""One module per rule; `tclint.registry` lists them. Importing one rule's module imports no other."""
