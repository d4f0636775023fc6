// Package prep adapts the engine's frame preprocessing (engine/preprocess)
// and limited image decoding (engine/imageio) to the daemon: a Func that is
// safe for concurrent use, turning a camera frame or an uploaded image into
// the input the engine's PREP section asks for (the digit rule's 1x28x28,
// or a region or the whole frame resized to the engine's CxHxW), and
// Decode with the configured pixel limit.
package prep
