"""Pure builders of the open-data standards' documents."""
