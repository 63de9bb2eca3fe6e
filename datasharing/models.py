"""Models arrive with the datasharing issue; the app exists now so the project's shape is visible."""
