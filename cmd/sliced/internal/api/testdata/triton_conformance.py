"""Triton's HTTP client (tritonclient.http) against a running sliced, with
the client's defaults: every call a client of a classification model makes.

    python3 triton_conformance.py CASE.json

CASE.json (written by TestTritonClient): url, token, model, folder_model
(an engine file of the model folder, not loaded yet), tensors (N images of
784 values in [0, 1]) and labels (what the daemon's engine answers for
them). Exits non-zero, naming the check, on the first failure.
"""

import numpy as np
import tritonclient.http as httpclient

from conformance import batch, case, check, checks, error_of, folder, model, n

client = httpclient.InferenceServerClient(url=case["url"])
auth = {"Authorization": "Bearer " + case["token"]}


check("is_server_live", client.is_server_live())
check("is_server_ready", client.is_server_ready())
meta = client.get_server_metadata()
want = {"binary_tensor_data", "classification", "model_configuration", "model_repository", "statistics"}
check("get_server_metadata", meta["name"] == "sliced" and want <= set(meta["extensions"]), meta)
check("is_model_ready", client.is_model_ready(model))
mm = client.get_model_metadata(model)
check("get_model_metadata", mm["inputs"][0]["name"] == "input" and mm["inputs"][0]["datatype"] == "FP32"
      and [o["name"] for o in mm["outputs"]] == ["label", "label_index", "scores", "known"], mm)
cfg = client.get_model_config(model)
check("get_model_config", cfg["name"] == model and cfg["max_batch_size"] >= n
      and cfg["input"][0]["dims"] == [1, 28, 28] and cfg["input"][0]["data_type"] == "TYPE_FP32", cfg)
index = {m["name"]: m for m in client.get_model_repository_index()}
check("get_model_repository_index", index.get(model, {}).get("state") == "READY"
      and index.get(folder, {}).get("state") == "UNAVAILABLE", index)


def infer_input(data, binary=True, datatype="FP32"):
    inp = httpclient.InferInput("input", list(data.shape), datatype)
    inp.set_data_from_numpy(data, binary_data=binary)
    return inp


# The client's default: binary input, no outputs named, so all four come
# back in binary.
res = client.infer(model, [infer_input(batch)])
labels = [b.decode() for b in res.as_numpy("label")]
index_out, scores, known = res.as_numpy("label_index"), res.as_numpy("scores"), res.as_numpy("known")
check("infer binary", labels == case["labels"] and index_out.dtype == np.int64 and index_out.shape == (n,)
      and scores.dtype == np.float32 and scores.shape[0] == n and known.dtype == np.bool_
      and res.get_response()["outputs"][0]["parameters"]["binary_data_size"] > 0,
      (labels, case["labels"], res.get_response()))
for i in range(n):
    if known[i]:
        check("label_index %d" % i, int(index_out[i]) == int(np.argmax(scores[i])) or scores[i][index_out[i]] == scores[i].max(),
              (index_out[i], scores[i]))

# JSON both ways.
outs = [httpclient.InferRequestedOutput(o, binary_data=False) for o in ("label", "label_index", "scores", "known")]
js = client.infer(model, [infer_input(batch, binary=False)], outputs=outs, request_id="json-1")
check("infer JSON", [str(b) if not isinstance(b, bytes) else b.decode() for b in js.as_numpy("label")] == labels
      and np.array_equal(js.as_numpy("label_index"), index_out)
      and np.allclose(js.as_numpy("scores"), scores, atol=1e-6) and np.array_equal(js.as_numpy("known"), known)
      and js.get_response()["id"] == "json-1" and "parameters" not in js.get_response()["outputs"][0],
      js.get_response())

# UINT8 images, as a camera's bytes.
u8 = np.round(batch * 255).astype(np.uint8)
res8 = client.infer(model, [infer_input(u8, datatype="UINT8")])
check("infer UINT8", [b.decode() for b in res8.as_numpy("label")] == labels, res8.get_response())

# The classification extension: the top 3 of scores, best first.
top = client.infer(model, [infer_input(batch)], outputs=[httpclient.InferRequestedOutput("scores", class_count=3)])
t = top.as_numpy("scores")
check("class_count shape", t.shape == (n, 3) and top.get_response()["outputs"][0]["datatype"] == "BYTES", t)
for i in range(n):
    parts = [s.decode().split(":") for s in t[i]]
    values = [float(p[0]) for p in parts]
    check("class_count %d" % i, len(parts[0]) == 3 and values == sorted(values, reverse=True)
          and abs(values[0] - float(scores[i].max())) < 1e-5
          and (not known[i] or parts[0][2] == labels[i]), (parts, labels[i]))

# The repository extension: load needs the token; a loaded file is a model.
e = error_of(lambda: client.load_model(folder))
check("load without token", e.status() == "401" and "token" in e.message(), e)
client.load_model(folder, headers=auth)
check("load_model", client.is_model_ready(folder))
fres = client.infer(folder, [infer_input(batch)])
check("infer folder model", fres.as_numpy("label").shape == (n,) and fres.get_response()["model_name"] == folder,
      fres.get_response())
check("index after load", {m["name"]: m["state"] for m in client.get_model_repository_index()}.get(folder) == "READY")

# Statistics: Triton's JSON shape, counting what was asked above.
st = client.get_inference_statistics(model)["model_stats"][0]
inf = st["inference_stats"]
check("get_inference_statistics", st["name"] == model and st["inference_count"] >= 4 * n and st["execution_count"] >= 4
      and inf["success"]["count"] >= 4 and inf["compute_infer"]["ns"] > 0 and st["last_inference"] > 0
      and any(b["batch_size"] == n for b in st["batch_stats"]), st)
names = {m["name"] for m in client.get_inference_statistics()["model_stats"]}
check("get_inference_statistics all", {model, folder} <= names, names)

# Errors are JSON bodies the client parses into its exception.
bad = httpclient.InferInput("input", [1, 3, 28, 28], "FP32")
bad.set_data_from_numpy(np.zeros((1, 3, 28, 28), dtype=np.float32))
e = error_of(lambda: client.infer(model, [bad]))
check("bad request", e.status() == "400" and "shape" in e.message(), e)
e = error_of(lambda: client.get_model_metadata("no-such-model"))
check("unknown model", e.status() == "404" and "not found" in e.message(), e)
e = error_of(lambda: client.get_model_config(model, model_version="999"))
check("unknown version", e.status() == "404" and "version" in e.message(), e)
stats = client.get_inference_statistics(model)["model_stats"][0]
check("failure counted", stats["inference_stats"]["fail"]["count"] >= 1, stats)

client.unload_model(folder, headers=auth)
check("unload_model", not client.is_model_ready(folder))
e = error_of(lambda: client.unload_model(model, headers=auth))
check("unload configured", e.status() == "409", e)

print("conformance: %d checks OK" % len(checks))
