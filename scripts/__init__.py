"""Set-up and build scripts; scripts.doc_templates builds the shipped Word templates."""
