package onnxrt_test

import (
	"fmt"
	"log"

	"github.com/sliced-ai/sliced/device/onnxrt"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// Export the full CNN of topology A and run one image on ONNX Runtime with
// one intra-op thread.
func Example() {
	net := models.FullCNN(models.A, 128, 10) // weights would come from an engine file
	data, err := onnxexport.Export(&net, onnxexport.Options{})
	if err != nil {
		log.Fatal(err)
	}
	m, err := onnxrt.New(data, onnxrt.Options{Threads: 1})
	if err != nil {
		log.Fatal(err) // names every library path it tried
	}
	defer m.Close()
	probs, err := m.Run(make([]float32, 28*28))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(probs))
}
