"""Simulated learners with known skill sets, for measuring placement.

The model of a learner: they studied toward a few units of the roadmap (0 to
`MAX_STUDIED`, drawn at random) and know those and everything those need, so
what they know is closed under the curriculum's prerequisites. Asked about a
unit, they answer right with probability 1 - `SLIP` when they know it (a slip,
or the grader's mistake, makes the rest wrong) and with probability `GUESS`
when they do not (a lucky guess, or the grader's mistake). Each population is
drawn from its own seed, so a run is repeatable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.plan.curriculum import Curriculum

MAX_STUDIED = 10
SLIP = 0.1
GUESS = 0.1
SEEDS = {"dev": 0, "test": 1}  # placement was tuned on the dev population only


@dataclass
class SimulatedLearner:
    id: str
    known: frozenset[str]
    rng: random.Random
    slip: float = SLIP
    guess: float = GUESS

    def answers_right(self, unit: str) -> bool:
        chance = 1 - self.slip if unit in self.known else self.guess
        return self.rng.random() < chance


def population(curriculum: Curriculum, split: str, size: int = 100) -> list[SimulatedLearner]:
    """`size` learners of the split's population (dev or test; all = both)."""
    splits = ["dev", "test"] if split == "all" else [split]
    units = sorted(u.id for u in curriculum.tree.units)
    learners = []
    for name in splits:
        rng = random.Random(SEEDS[name])
        for n in range(size):
            studied = rng.sample(units, rng.randint(0, MAX_STUDIED))
            known = frozenset(curriculum.closure(set(studied)))
            learners.append(SimulatedLearner(f"{name}-{n:03d}", known, random.Random(rng.random())))
    return learners
