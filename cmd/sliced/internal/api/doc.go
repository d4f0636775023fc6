// Package api is the daemon's HTTP interface, one file per route family:
//
//	GET  /v2, /v2/health/live, /v2/health/ready          KServe v2 / Open Inference Protocol
//	GET  /v2/models/{name}, /v2/models/{name}/ready           (also under .../versions/1)
//	POST /v2/models/{name}/infer                          FP32 or UINT8 [N,28,28] or [N,1,28,28]
//	POST /v1/classify                                     PNG/JPEG body -> label, score, neighbours, timings
//	GET  /v1/classes                                      classes and their prototype counts
//	POST /v1/classes/{name}/examples                      enrol images (one body, or multipart files)
//	DELETE /v1/classes/{name}
//	POST /v1/sources/{name}/frames                        feed an upload source
//	GET  /metrics                                         Prometheus exposition
//
// Models of the v2 API are the loaded backends by name ("sliced",
// "fullcnn", ...). Mutating endpoints (enrolment, deletion, uploads) need
// "Authorization: Bearer <token>"; with no token configured they answer
// 403. Request bodies are limited to limits.body_bytes (413), images to
// limits.image_pixels (413) before their pixels are decoded. Errors are JSON
// objects {"error": "..."} as in the v2 protocol.
package api
