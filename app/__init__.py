"""Skills Tutor: retrieve → answer / plan → web, CLI. `wiring` assembles the parts."""
