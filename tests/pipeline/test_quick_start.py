"""predict's process imports nltk without scipy and scikit-learn, which stay importable."""

import subprocess
import sys

IN_A_FRESH_PROCESS = """
import sys
from pipeline.infra.quick_start import import_nltk_lean
import_nltk_lean()
from data.tokenize import tokenize
print(tokenize("It isn't bad, is it?"))
print(sorted(name for name in ("scipy", "sklearn") if name in sys.modules))
import sklearn.linear_model, scipy.stats
print(scipy.stats.norm.cdf(0.0))
"""


def test_nltk_imports_without_its_extras_and_they_import_later():
    ran = subprocess.run([sys.executable, "-c", IN_A_FRESH_PROCESS], capture_output=True,
                         text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        "['it', 'is', \"n't\", 'bad', ',', 'is', 'it', '?']", "[]", "0.5"]


def test_predict_starts_without_them():
    code = ("import sys, runpy; sys.argv = ['pipeline', 'predict', '--help']\n"
            "try:\n    runpy.run_module('pipeline', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(name for name in ('nltk', 'scipy', 'sklearn') if name in sys.modules),"
            " file=sys.stderr)")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert ran.stderr.strip().splitlines()[-1] == "['nltk']"
