package report

// The published numbers. Source: the slides of "Hybrid Deep Learning
// Topology for Image Classification" (SSIP 2019), slides 26 and 28, as
// digested in the project's PAPER.md. Params and sizes of the full
// networks are the slide's rounded figures; the exact counts follow from
// the topologies (models.FullCNN) and are what the report measures.

// PaperSize is one row of slide 26.
type PaperSize struct {
	Params string // as printed on the slide
	Size   string // float32 weights, as printed
}

// paperSizes is slide 26, keyed by network id.
var paperSizes = map[string]PaperSize{
	"A128":         {"1.2 M", "4.5 MB"},
	"B64":          {"122 k", "0.49 MB"},
	"B32":          {"70 k", "275 KiB"},
	"B16":          {"44.6 k", "174 KiB"},
	"B8":           {"31.7 k", "124 KiB"},
	"sliced-cmaes": {"18.8 k", "74 KB"},
	"sliced-pso":   {"18.8 k", "74 KB"},
}

// paperAccuracy is slide 28: test accuracy in percent, keyed by network id
// and protocol id. A/128 at 60000/10000 (99.91) is printed as on the slide
// although it is implausible as a test accuracy.
var paperAccuracy = map[string]map[string]float64{
	"A128":         {"4000-1000-5ep": 97.5, "60000-10000-5ep": 99.91, "4000-1000-20ep": 98},
	"B64":          {"4000-1000-5ep": 97, "60000-10000-5ep": 98.96, "4000-1000-20ep": 97.5},
	"B32":          {"4000-1000-5ep": 97, "60000-10000-5ep": 98.98, "4000-1000-20ep": 97.5},
	"B16":          {"4000-1000-5ep": 96.1, "60000-10000-5ep": 98.65, "4000-1000-20ep": 97.4},
	"B8":           {"4000-1000-5ep": 87.5, "60000-10000-5ep": 97.8, "4000-1000-20ep": 96.5},
	"sliced-cmaes": {"4000-1000-5ep": 97.5, "60000-10000-5ep": 98.57, "4000-1000-20ep": 97.5},
	"sliced-pso":   {"4000-1000-5ep": 97.3, "60000-10000-5ep": 98.52, "4000-1000-20ep": 97.3},
}

// PaperAccuracy returns the slide-28 accuracy (percent) of a network under
// a protocol, and whether the slide has it.
func PaperAccuracy(network, protocol string) (float64, bool) {
	v, ok := paperAccuracy[network][protocol]
	return v, ok
}

// Paper cost figures (slide 28's notes): full-network training, 5 epochs,
// 45 s on a GTX 1050 Ti; evolution about 24 h (CMA-ES) and 12 h (PSO) on a
// 6-core i5-9600K.
const (
	PaperTrainCost = "45 s, 5 epochs, GTX 1050 Ti"
	PaperCMACost   = "about 24 h, 6-core i5-9600K"
	PaperPSOCost   = "about 12 h, 6-core i5-9600K"
)
