// Package result is the JSON of one classification, the same in every
// place that shows one: `sliced classify --json`, POST /v1/classify,
// GET /v1/recent and the live view. Each embeds Result, so the field
// names cannot drift apart:
//
//	label        the class name; "unknown" for an answer like none of the classes
//	index        the class's number among the engine's classes; -1 for unknown
//	known        false for an unknown answer
//	nearest      unknown answers only: the class the input came nearest to
//	score        the confidence, 0 to 1
//	scores       one per class index: vote shares or probabilities (daemon)
//	neighbors    the k nearest prototypes, nearest first: label and distance
//	backend      the backend that answered, with device and fallback (daemon)
//	latency_us   microseconds from the image to the answer
//	timings      where that time went, in microseconds: decode_us,
//	             preprocess_us, inference_us, conv_us, knn_us
//
// Times are microseconds everywhere, as float64 so that a stage shorter
// than a microsecond is not rounded away.
package result
