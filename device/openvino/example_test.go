package openvino_test

import (
	"fmt"
	"log"

	"github.com/sliced-ai/sliced/device/openvino"
	"github.com/sliced-ai/sliced/models"
	"github.com/sliced-ai/sliced/models/onnxexport"
)

// Export the full CNN of topology B and run one image on an NCS2; the error
// says when OpenVINO or the stick is missing, and the caller falls back to
// the sliced engine.
func Example() {
	net := models.FullCNN(models.B, 64, 10) // weights would come from an engine file
	data, err := onnxexport.Export(&net, onnxexport.Options{})
	if err != nil {
		log.Fatal(err)
	}
	m, err := openvino.New(data, openvino.Options{Device: "MYRIAD"})
	if err != nil {
		log.Print(err) // e.g. "openvino: device not available: MYRIAD (OpenVINO ... sees: CPU)"
		return
	}
	defer m.Close()
	probs, err := m.Run(make([]float32, 28*28))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(probs))
}
