package report_test

import (
	"fmt"

	"github.com/sliced-ai/sliced/calibration/report"
)

// Rows are selected by a regular expression over their ids, as
// `slicecal report --rows` does.
func ExampleFilter() {
	specs, err := report.Filter(report.Specs(), "^B8/")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range specs {
		paper, _ := report.PaperAccuracy(s.Network.ID, s.Protocol.ID)
		fmt.Printf("%s: paper %g %%\n", s.ID(), paper)
	}
	// Output:
	// B8/4000-1000-5ep: paper 87.5 %
	// B8/60000-10000-5ep: paper 97.8 %
	// B8/4000-1000-20ep: paper 96.5 %
}
