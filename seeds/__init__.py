"""The curriculum data the tutor ships with (package data): the roadmap, knowledge cards,
topic entries and curriculum.yaml."""
