package onnxexport_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// Write the full CNN of topology B as an .onnx file for OpenVINO or
// TensorRT, and list the nodes of the sliced conv stack of topology A, whose
// output is the 9216 features the k-NN compares.
func Example() {
	full := models.FullCNN(models.B, 64, 10) // weights would come from an engine file
	data, err := onnxexport.Export(&full, onnxexport.Options{Opset: 11})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "onnx")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "fullB.onnx"), data, 0o644); err != nil {
		log.Fatal(err)
	}

	conv := models.ConvStack(models.A)
	m, err := onnxexport.Model(&conv, onnxexport.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range m.Graph.Node {
		fmt.Print(n.OpType, " ")
	}
	fmt.Println()
	// Output: Conv Relu Conv Relu MaxPool Flatten
}
