"""The scikit-learn side of examples/sklearn-import.mjs: fit an MLPClassifier and pickle it.

    python examples/sklearn-import/train_sklearn.py OUT_DIR

Writes OUT_DIR/model.joblib (the fitted classifier, as you would save your own) and
OUT_DIR/X.json (held-out rows to compare predictions on). Needs numpy, scikit-learn and joblib.
"""

import json
import sys

import joblib
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
iris = load_iris()
X = StandardScaler().fit_transform(iris.data)
y = iris.target_names[iris.target]  # string labels: "setosa", "versicolor", "virginica"
X_train, X_test, y_train, _ = train_test_split(X, y, test_size=30, random_state=0, stratify=y)

clf = MLPClassifier(hidden_layer_sizes=(10,), activation="tanh", solver="lbfgs", max_iter=500, random_state=0)
clf.fit(X_train, y_train)
joblib.dump(clf, f"{out}/model.joblib")
with open(f"{out}/X.json", "w") as f:
    json.dump(X_test.tolist(), f)
print(f"sklearn {clf.__class__.__name__}: {clf.n_iter_} iterations, train accuracy {clf.score(X_train, y_train):.3f}")
