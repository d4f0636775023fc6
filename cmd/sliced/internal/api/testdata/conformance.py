"""What both Triton client scripts share: the case TestTritonClient writes,
the batch of images it holds, and the two checking helpers."""

import json
import sys

import numpy as np
from tritonclient.utils import InferenceServerException

case = json.load(open(sys.argv[1]))
model, folder = case["model"], case["folder_model"]
batch = np.array(case["tensors"], dtype=np.float32).reshape(-1, 1, 28, 28)
n = batch.shape[0]
checks = []


def check(name, ok, detail=""):
    if not ok:
        sys.exit("FAIL %s: %s" % (name, detail))
    checks.append(name)
    print("ok", name)


def error_of(call):
    """The InferenceServerException call raises, parsed by the client."""
    try:
        call()
    except InferenceServerException as e:
        return e
    sys.exit("FAIL: %r raised nothing" % call)
