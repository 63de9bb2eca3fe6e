"""Models arrive with the breaches issue; the app exists now so the project's shape is visible."""
