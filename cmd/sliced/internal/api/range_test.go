package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// FP32 values the engine cannot take (outside [0, 1], or too large for a
// float32) are a 400 that names the value; the edges of the range are fine.
func TestV2InferFP32Range(t *testing.T) {
	srv := newServer(t)
	for _, c := range []struct {
		bad  string
		want int
	}{{"-0.5", 400}, {"1.5", 400}, {"1e300", 400}, {"0", 200}, {"1", 200}} {
		data := make([]string, 784)
		for i := range data {
			data[i] = "0"
		}
		data[100] = c.bad
		body := fmt.Sprintf(`{"inputs":[{"name":"x","shape":[1,28,28],"datatype":"FP32","data":[%s]}]}`, strings.Join(data, ","))
		code, v := do(t, "POST", srv.URL+"/v2/models/sliced/infer", "application/json", []byte(body), false)
		if code != c.want {
			t.Errorf("value %s: %d %v, want %d", c.bad, code, v, c.want)
		}
		if c.want == 400 && !strings.Contains(fmt.Sprint(v["error"]), "value 100") {
			b, _ := json.Marshal(v)
			t.Errorf("value %s: error %s does not name the value", c.bad, b)
		}
	}
}
