// Package candidates keeps recent frames the engine was unsure of, so that
// they can be enrolled later without the original frame.
//
// A frame becomes a candidate when its answer was unknown or its score
// (confidence) below a threshold (Options.Below, default 0.5). The last
// Options.Keep of them (default 50; 0 keeps none) are kept in the state
// directory's candidates/ folder, one JSON file per candidate named by
// its id: the time, the source, the answer (class, known, score, nearest
// class), the preprocessed input tensor and its shape (1x28x28 for a
// digit engine; for a source's region, the region's input, so that a
// candidate enrols the region's crop and not the whole frame) and a PNG
// thumbnail of that tensor. Files are written atomically; the oldest is
// removed once there are more than Keep; a file that cannot be read back
// is skipped with a log line. Frames from a pipeline (Watch) are taken at
// most once per Options.Gap (default a second) from each source, so a
// camera looking at something unknown does not rewrite the folder at its
// frame rate.
package candidates
