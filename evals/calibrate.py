"""Fit the free-text grader on the dev split of evals/datasets/grading.yaml: `python -m evals.calibrate`.

Computes the grader's features (`app.learner.grading.FEATURES`) for every
labelled dev answer, fits a logistic regression (scikit-learn), reports its
agreement under 5-fold cross-validation by item (answers of one item never on
both sides), and writes the weights to app/learner/grading.yaml. The test
split is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from app.learner.grading import FEATURES, Calibration, Grader, default_calibration
from app.learner.wording import is_blank
from evals import cases as datasets

REGULARIZATION = 10.0  # scikit-learn's C; chosen by cross-validation on dev (1, 3, 10, 100 tried)
FOLDS = 5


def dev_features(grader: Grader, parts) -> tuple[list[list[float]], list[bool], list[str], list[bool]]:
    """Feature rows, labels, item ids and whether each answer is blank (graded wrong without a score)."""
    from evals.learner_suites import item_for

    rows, labels, groups, blanks = [], [], [], []
    for case in datasets.grading("dev"):
        item = item_for(parts, case)
        for answer in case.answers:
            blank = is_blank(answer.text)
            features = {} if blank else grader.features(item, answer.text)
            rows.append([features.get(name, 0.0) for name in FEATURES])
            labels.append(answer.correct)
            groups.append(case.id)
            blanks.append(blank)
    return rows, labels, groups, blanks


def fit(rows, labels, groups, blanks) -> tuple[Calibration, float]:
    """The fitted calibration and its cross-validated agreement on dev (blank answers counted wrong)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    x, y, blank = np.asarray(rows), np.asarray(labels), np.asarray(blanks)
    predicted = np.zeros(len(y), dtype=bool)
    for train, held in GroupKFold(FOLDS).split(x, y, groups):
        train = train[~blank[train]]
        model = LogisticRegression(C=REGULARIZATION, max_iter=2000).fit(x[train], y[train])
        predicted[held] = model.predict_proba(x[held])[:, 1] >= 0.5
    predicted[blank] = False
    model = LogisticRegression(C=REGULARIZATION, max_iter=2000).fit(x[~blank], y[~blank])
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0])}
    return Calibration(weights, round(float(model.intercept_[0]), 4), 0.5), float((predicted == y).mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_calibration(), help="default: the shipped file")
    args = parser.parse_args(argv)

    from app.core.settings import Settings
    from app.wiring import Parts, prepare_process

    prepare_process()
    parts = Parts(Settings())
    rows, labels, groups, blanks = dev_features(parts.learners.grader, parts)
    calibration, agreement = fit(rows, labels, groups, blanks)
    header = (
        "# Written by `python -m evals.calibrate` from the dev split of evals/datasets/grading.yaml\n"
        f"# ({len(labels)} answers, {len(set(groups))} items); "
        f"{FOLDS}-fold cross-validated agreement on dev: {agreement:.3f}.\n"
    )
    body = {"bias": calibration.bias, "threshold": calibration.threshold, "weights": calibration.weights}
    args.out.write_text(header + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    print(f"dev answers {len(labels)}, cross-validated agreement {agreement:.3f}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
