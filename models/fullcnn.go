package models

import (
	_ "embed"
	"fmt"

	"github.com/sliced-ai/sliced/engine"
)

// fullCNN is the paper's topology B with a 64-unit dense head, trained on
// MNIST (98.99 % on the test set) and stored with int8 weights, one scale
// per row (98.98 %; it labels 9,999 of the 10,000 test digits as the
// float32 network does). It is the network the full-CNN backends (fullcnn,
// onnxruntime, openvino, cuda) run when no model file is configured, and
// the reference `sliced bench` checks them against.
//
//go:embed fullcnn-b64.slc
var fullCNN []byte

// FullCNNBytes is the embedded full-CNN engine file.
func FullCNNBytes() []byte { return fullCNN }

// FullCNNEngine decodes the embedded full CNN (topology B, 64 hidden
// units). Every call returns a fresh copy.
func FullCNNEngine() (*engine.Engine, error) {
	e, err := engine.Decode(fullCNN)
	if err != nil {
		return nil, fmt.Errorf("embedded full CNN: %w", err)
	}
	return e, nil
}
