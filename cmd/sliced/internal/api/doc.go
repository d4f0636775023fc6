// Package api is the daemon's HTTP interface, one file per route family:
//
//	GET  /v2, /v2/health/live, /v2/health/ready          KServe v2 / Open Inference Protocol
//	GET  /v2/models/{name}, .../ready, .../config, .../stats  (also under .../versions/{version})
//	POST /v2/models/{name}/infer                          FP32 or UINT8 [N,C,H,W] of the model input ([N,H,W] for gray), JSON or binary
//	GET  /v2/models/stats                                 every model's statistics (Triton's JSON)
//	POST /v2/repository/index                             the models served and those of the model folder
//	POST /v2/repository/models/{name}/load, .../unload    serve a model folder's NAME.slc, or stop
//	POST /v1/classify                                     PNG/JPEG body -> a result (package result)
//	GET  /v1/classes                                      classes and their prototype counts
//	POST /v1/classes/{name}/examples                      enrol images (one body, or multipart files);
//	     ?source=S&region=R                               cut to source S's region R; empty body: S's latest frame
//	DELETE /v1/classes/{name}
//	GET  /v1/classes/export                               the enrolled classes as one file (package enrolfile)
//	POST /v1/classes/import                               add the classes of such a file
//	POST /v1/engine/rollback                              serve the previous engine version again
//	GET  /v1/candidates                                   frames answered unknown or with a low score, newest first
//	GET  /v1/candidates/{id}/thumbnail.png                what the engine saw (84x84 PNG)
//	POST /v1/candidates/{id}/enrol?class=NAME             enrol its input as an example of NAME, then drop it
//	DELETE /v1/candidates/{id}
//	POST /v1/sources/{name}/frames                        feed an upload source
//	GET  /metrics                                         Prometheus exposition
//
// New's GRPC serves the same as inference.GRPCInferenceService (package
// kservegrpc), over the same models, statistics and model folder.
//
// Models of the v2 API are the loaded backends by name ("sliced",
// "fullcnn", ...) and the engine files of the model folder loaded through
// the repository extension. The v2 routes follow Triton's HTTP API and its
// extensions (binary tensor data, classification, model configuration,
// model repository, statistics), so that Triton's clients work with their
// defaults. The "sliced" model's version is the engine version
// (package store: 1, then one more for every enrolment, removal, import or
// rollback), in its metadata's "versions" and as model_version; the other
// models are always version 1, and a versioned path names the served
// version or answers 404.
//
// An import is all or nothing: a file for another conv stack, projection,
// feature dimension or metric, or with a class the engine already has,
// answers 409 naming the mismatch or the classes (remove them first to
// replace them); a corrupt, truncated or foreign file, or one with a bad
// class name, 400; a file without classes 422. An export is
// application/octet-stream with X-Sliced-Engine-Version naming the version
// it was taken from. A rollback with no earlier version kept answers 409.
//
// Candidates (package candidates) come from every pipeline and from
// /v1/classify, whose answer names the candidate's id. Enrolling one goes
// the way of /v1/classes/{name}/examples (a new engine version) with the
// input tensor kept, so the original frame is not needed: 404 for an id
// not kept, 400 for a missing or bad class name (or "unknown"), 409 while
// the same candidate is being enrolled by another request.
//
// POST /v1/classify answers with the result shape of package result, the
// same as GET /v1/recent and `sliced classify --json`: label (the class
// name, or "unknown"), index (its number, -1 for unknown), known, nearest,
// score, scores, neighbors (label, distance), backend, device, latency_us
// and timings in microseconds; candidate names the id it was kept under.
//
// Mutating endpoints (enrolment, deletion, import, rollback, enrolling or
// dropping a candidate, uploads, loading and unloading models) need "Authorization: Bearer <token>"; with
// no token configured they answer 403. Request bodies are limited to limits.body_bytes (413), images to
// limits.image_pixels (413) before their pixels are decoded.
//
// Errors are JSON objects {"error": "..."} (application/json) on every
// path, as the v2 protocol has them, also a path no route takes (404) and
// a method a route does not take (405, with Allow). Client errors are
// 4xx; a change that cannot be written to the state directory is a 500 on
// every route that changes it.
package api
