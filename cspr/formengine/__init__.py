"""Form engine: JSON form definitions, conditions, validation, pages."""
