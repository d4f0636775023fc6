// Package models holds sliced's artefacts: the layer stacks of the paper's
// topologies A and B, the embedded default engine, and the ONNX export of
// the full CNN.
package models
