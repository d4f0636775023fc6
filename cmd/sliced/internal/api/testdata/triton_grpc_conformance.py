"""Triton's gRPC client (tritonclient.grpc) against a running sliced, with
the client's defaults: every call a client of a classification model makes.

    python3 triton_grpc_conformance.py CASE.json

CASE.json is TestTritonClient's, with grpc_url the address of the daemon's
--grpc-listen. Exits non-zero, naming the check, on the first failure.
"""

import numpy as np
import tritonclient.grpc as grpcclient

from conformance import batch, case, check, checks, error_of, folder, model, n

client = grpcclient.InferenceServerClient(url=case["grpc_url"])
# gRPC metadata keys are lower case.
auth = {"authorization": "Bearer " + case["token"]}


check("is_server_live", client.is_server_live())
check("is_server_ready", client.is_server_ready())
meta = client.get_server_metadata(as_json=True)
check("get_server_metadata", meta["name"] == "sliced" and "classification" in meta["extensions"], meta)
check("is_model_ready", client.is_model_ready(model))
check("is_model_ready unknown", not client.is_model_ready("no-such-model"))
mm = client.get_model_metadata(model, as_json=True)
check("get_model_metadata", mm["inputs"][0]["name"] == "input" and mm["inputs"][0]["datatype"] == "FP32"
      and [o["name"] for o in mm["outputs"]] == ["label", "label_index", "scores", "known"], mm)
cfg = client.get_model_config(model, as_json=True)["config"]
check("get_model_config", cfg["name"] == model and cfg["max_batch_size"] >= n
      and cfg["input"][0]["dims"] == ["1", "28", "28"] and cfg["input"][0]["data_type"] == "TYPE_FP32", cfg)
index = {m["name"]: m for m in client.get_model_repository_index(as_json=True)["models"]}
check("get_model_repository_index", index.get(model, {}).get("state") == "READY"
      and index.get(folder, {}).get("state") == "UNAVAILABLE", index)


def infer_input(data, datatype="FP32"):
    inp = grpcclient.InferInput("input", list(data.shape), datatype)
    inp.set_data_from_numpy(data)
    return inp


# The client's default: raw input, no outputs named, so all four come back.
res = client.infer(model, [infer_input(batch)], request_id="grpc-1")
labels = [b.decode() for b in res.as_numpy("label")]
index_out, scores, known = res.as_numpy("label_index"), res.as_numpy("scores"), res.as_numpy("known")
check("infer", labels == case["labels"] and index_out.dtype == np.int64 and index_out.shape == (n,)
      and scores.dtype == np.float32 and scores.shape[0] == n and known.dtype == np.bool_
      and res.get_response().id == "grpc-1", (labels, case["labels"]))
u8 = np.round(batch * 255).astype(np.uint8)
res8 = client.infer(model, [infer_input(u8, datatype="UINT8")])
check("infer UINT8", [b.decode() for b in res8.as_numpy("label")] == labels)

top = client.infer(model, [infer_input(batch)], outputs=[grpcclient.InferRequestedOutput("scores", class_count=3)])
t = top.as_numpy("scores")
check("class_count shape", t.shape == (n, 3), t)
for i in range(n):
    parts = [s.decode().split(":") for s in t[i]]
    values = [float(p[0]) for p in parts]
    check("class_count %d" % i, len(parts[0]) == 3 and values == sorted(values, reverse=True)
          and abs(values[0] - float(scores[i].max())) < 1e-5
          and (not known[i] or parts[0][2] == labels[i]), (parts, labels[i]))

e = error_of(lambda: client.load_model(folder))
check("load without token", e.status() == "StatusCode.UNAUTHENTICATED" and "token" in e.message(), e)
client.load_model(folder, headers=auth)
check("load_model", client.is_model_ready(folder))
fres = client.infer(folder, [infer_input(batch)])
check("infer folder model", fres.as_numpy("label").shape == (n,) and fres.get_response().model_name == folder)

st = client.get_inference_statistics(model, as_json=True)["model_stats"][0]
inf = st["inference_stats"]
check("get_inference_statistics", st["name"] == model and int(st["inference_count"]) >= 3 * n
      and int(inf["success"]["count"]) >= 3 and int(inf["compute_infer"]["ns"]) > 0
      and any(int(b["batch_size"]) == n for b in st["batch_stats"]), st)
names = {m["name"] for m in client.get_inference_statistics(as_json=True)["model_stats"]}
check("get_inference_statistics all", {model, folder} <= names, names)

bad = grpcclient.InferInput("input", [1, 3, 28, 28], "FP32")
bad.set_data_from_numpy(np.zeros((1, 3, 28, 28), dtype=np.float32))
e = error_of(lambda: client.infer(model, [bad]))
check("bad request", e.status() == "StatusCode.INVALID_ARGUMENT" and "shape" in e.message(), e)
e = error_of(lambda: client.get_model_metadata("no-such-model"))
check("unknown model", e.status() == "StatusCode.NOT_FOUND" and "not found" in e.message(), e)

client.unload_model(folder, headers=auth)
check("unload_model", not client.is_model_ready(folder))
e = error_of(lambda: client.unload_model(model, headers=auth))
check("unload configured", e.status() == "StatusCode.FAILED_PRECONDITION", e)

print("grpc conformance: %d checks OK" % len(checks))
