package api

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
	"github.com/sliced-ai/sliced/engine/nn"
)

// inferRequest is the v2 request; only the fields sliced reads.
type inferRequest struct {
	ID         string `json:"id,omitempty"`
	Parameters struct {
		// BinaryDataOutput asks for every output in binary (the binary
		// tensor extension): Triton's client sets it when it names no
		// outputs.
		BinaryDataOutput bool `json:"binary_data_output"`
	} `json:"parameters"`
	Inputs []struct {
		Name       string `json:"name"`
		Shape      []int  `json:"shape"`
		Datatype   string `json:"datatype"`
		Parameters struct {
			BinaryDataSize *int `json:"binary_data_size"`
		} `json:"parameters"`
		Data json.RawMessage `json:"data"`
	} `json:"inputs"`
	Outputs []struct {
		Name       string `json:"name"`
		Parameters struct {
			BinaryData *bool `json:"binary_data"`
			// Classification is the classification extension's top-k
			// (tritonclient's class_count).
			Classification int `json:"classification"`
		} `json:"parameters"`
	} `json:"outputs,omitempty"`
}

type outputTensor struct {
	Name       string      `json:"name"`
	Datatype   string      `json:"datatype"`
	Shape      []int       `json:"shape"`
	Parameters *outputData `json:"parameters,omitempty"`
	Data       any         `json:"data,omitempty"`
}

type outputData struct {
	BinaryDataSize int `json:"binary_data_size"`
}

// maxBatch bounds one request's work.
const maxBatch = 64

// headerLength is the binary tensor extension's header: the length of
// the JSON that starts the body, the tensors' bytes following it.
const headerLength = "Inference-Header-Content-Length"

// infer answers POST .../infer. The request is JSON, or with the binary
// tensor extension a JSON header and the input's bytes; the answer is JSON
// likewise, with the outputs asked for in binary after the header. Its
// time is counted in the model's statistics, success or failure.
func (s *server) infer(w http.ResponseWriter, r *http.Request, name string, b backend.Backend) {
	t0 := time.Now()
	st := s.inferOnce(w, r, name, b)
	total := time.Since(t0)
	s.stats.record(name, st.ok, st.n, total, st.input, st.infer, total-st.input-st.infer)
}

// inferStats is what one request adds to the model's statistics.
type inferStats struct {
	ok           bool
	n            int           // images
	input, infer time.Duration // reading the request, classifying
}

func (s *server) inferOnce(w http.ResponseWriter, r *http.Request, name string, b backend.Backend) (st inferStats) {
	t0 := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		bodyError(w, err)
		return st
	}
	head, rest := body, []byte(nil)
	if h := r.Header.Get(headerLength); h != "" {
		k, err := strconv.Atoi(h)
		if err != nil || k < 0 || k > len(body) {
			fail(w, http.StatusBadRequest, "%s: %q is not a length within the body of %d bytes", headerLength, h, len(body))
			return st
		}
		head, rest = body[:k], body[k:]
	}
	var req inferRequest
	if err := json.Unmarshal(head, &req); err != nil {
		fail(w, http.StatusBadRequest, "request: %v", err)
		return st
	}
	if len(req.Inputs) != 1 {
		fail(w, http.StatusBadRequest, "want exactly one input tensor, got %d", len(req.Inputs))
		return st
	}
	in := req.Inputs[0]
	n, err := batchOf(in.Shape, backend.InputOf(b))
	if err != nil {
		fail(w, http.StatusBadRequest, "input %q: %v", in.Name, err)
		return st
	}
	var values []float32
	if size := in.Parameters.BinaryDataSize; size != nil {
		if len(in.Data) > 0 {
			fail(w, http.StatusBadRequest, "input %q: both data and binary_data_size", in.Name)
			return st
		}
		if *size != len(rest) {
			fail(w, http.StatusBadRequest, "input %q: binary_data_size %d, but %d bytes follow the %d-byte header (%s)", in.Name, *size, len(rest), len(head), headerLength)
			return st
		}
		values, err = binaryData(rest, in.Datatype, n*backend.InputOf(b).Len())
	} else {
		if len(rest) > 0 {
			fail(w, http.StatusBadRequest, "%d bytes after the header, but no input has binary_data_size", len(rest))
			return st
		}
		values, err = tensorData(in.Data, in.Datatype, n*backend.InputOf(b).Len())
	}
	if err == nil {
		err = inRange(values)
	}
	if err == nil {
		backend.Normalize(b, values)
	}
	if err != nil {
		fail(w, http.StatusBadRequest, "input %q: %v", in.Name, err)
		return st
	}
	classes := b.Classes()
	asks := make([]outputAsk, len(req.Outputs))
	for i, o := range req.Outputs {
		asks[i] = outputAsk{name: o.Name, binary: o.Parameters.BinaryData, classification: o.Parameters.Classification}
	}
	outs, err := requestedOutputs(asks, req.Parameters.BinaryDataOutput, len(classes))
	if err != nil {
		fail(w, http.StatusBadRequest, "%v", err)
		return st
	}
	st.input = time.Since(t0)

	t1 := time.Now()
	res, err := s.classifyBatch(b, values, metrics.PathV2)
	st.infer = time.Since(t1)
	if err != nil {
		fail(w, http.StatusInternalServerError, "model %q: %v", name, err)
		return st
	}
	st.n = n

	tensors := make([]outputTensor, len(outs))
	var bin []byte
	for i, o := range outs {
		t := outputTensor{Name: o.name}
		var data any
		t.Datatype, t.Shape, data = outputOf(o, res, classes)
		if o.binary {
			k := len(bin)
			bin = appendBinary(bin, data)
			t.Parameters = &outputData{BinaryDataSize: len(bin) - k}
		} else {
			t.Data = data
		}
		tensors[i] = t
	}
	resp := map[string]any{"model_name": name, "model_version": s.modelVersion(name), "outputs": tensors}
	if req.ID != "" {
		resp["id"] = req.ID
	}
	if bin == nil {
		reply(w, http.StatusOK, resp)
		st.ok = true
		return st
	}
	js, err := json.Marshal(resp)
	if err != nil {
		fail(w, http.StatusInternalServerError, "response: %v", err)
		return st
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set(headerLength, strconv.Itoa(len(js)))
	w.Header().Set("Content-Length", strconv.Itoa(len(js)+len(bin)))
	w.WriteHeader(http.StatusOK)
	w.Write(js)
	w.Write(bin)
	st.ok = true
	return st
}

// classifyBatch runs a batch of images through b, every image observed in the
// stage histograms under path.
func (s *server) classifyBatch(b backend.Backend, values []float32, path string) ([]backend.Result, error) {
	res, err := backend.ClassifyBatch(b, values)
	if err != nil {
		return nil, err
	}
	if m := s.d.Metrics; m != nil {
		info := b.Info()
		for _, x := range res {
			m.Inference(path, "", info.Name, info.Device, x.Timing.Inference, x.Timing.Conv, x.Timing.KNN)
		}
	}
	return res, nil
}

// outputOf is output o of the results: its datatype, shape and values
// ([]string, []int64, []float32 or []bool, as appendBinary takes them).
func outputOf(o wanted, res []backend.Result, classes []string) (string, []int, any) {
	n := len(res)
	switch o.name {
	case outLabel:
		return "BYTES", []int{n}, mapRes(res, func(x backend.Result) string { return x.Class })
	case outIndex:
		return "INT64", []int{n}, mapRes(res, func(x backend.Result) int64 {
			if !x.Known {
				return -1
			}
			return int64(x.Label)
		})
	case outKnown:
		return "BOOL", []int{n}, mapRes(res, func(x backend.Result) bool { return x.Known })
	case outScores:
		if o.top > 0 {
			return "BYTES", []int{n, o.top}, topK(res, classes, o.top)
		}
		return "FP32", []int{n, len(classes)}, scoreMatrix(res, len(classes))
	}
	panic("outputOf: " + o.name)
}

// outputAsk is an output as a request names it: binary_data when given,
// and the classification extension's count.
type outputAsk struct {
	name           string
	binary         *bool
	classification int
}

// wanted is one output to answer: in binary or not, as top-k strings
// (the classification extension) when top > 0.
type wanted struct {
	name   string
	binary bool
	top    int
}

// requestedOutputs are the outputs the request names (all four when it
// names none), each in binary as its binary_data parameter says, else as
// the request's binary_data_output.
func requestedOutputs(asks []outputAsk, all bool, classes int) ([]wanted, error) {
	if len(asks) == 0 {
		var out []wanted
		for _, name := range outputNames {
			out = append(out, wanted{name: name, binary: all})
		}
		return out, nil
	}
	var out []wanted
	for _, o := range asks {
		if !slices.Contains(outputNames, o.name) {
			return nil, fmt.Errorf("unknown output %q (have %v)", o.name, outputNames)
		}
		wt := wanted{name: o.name, binary: all}
		if o.binary != nil {
			wt.binary = *o.binary
		}
		if k := o.classification; k != 0 {
			if o.name != outScores {
				return nil, fmt.Errorf("output %q: classification is for the %s output, the one with a value per class", o.name, outScores)
			}
			if k < 0 {
				return nil, fmt.Errorf("output %q: classification %d, want a count of at least 1", o.name, k)
			}
			wt.top = min(k, classes)
		}
		out = append(out, wt)
	}
	return out, nil
}

func mapRes[T any](res []backend.Result, f func(backend.Result) T) []T {
	out := make([]T, len(res))
	for i, x := range res {
		out[i] = f(x)
	}
	return out
}

func scoreMatrix(res []backend.Result, classes int) []float32 {
	out := make([]float32, 0, len(res)*classes)
	for _, x := range res {
		sc := make([]float32, classes)
		copy(sc, x.Scores)
		out = append(out, sc...)
	}
	return out
}

// topK is the classification extension's answer: per image the k best
// classes, best first, as "score:index:label" (Triton's format).
func topK(res []backend.Result, classes []string, k int) []string {
	out := make([]string, 0, len(res)*k)
	for _, x := range res {
		idx := make([]int, len(classes))
		for i := range idx {
			idx[i] = i
		}
		score := func(i int) float32 {
			if i < len(x.Scores) {
				return x.Scores[i]
			}
			return 0
		}
		sort.SliceStable(idx, func(a, b int) bool { return score(idx[a]) > score(idx[b]) })
		for _, i := range idx[:k] {
			out = append(out, fmt.Sprintf("%f:%d:%s", score(i), i, classes[i]))
		}
	}
	return out
}

// appendBinary appends data as the binary tensor extension lays it out:
// little-endian numbers, a byte per BOOL, and each BYTES element as its
// length (4 bytes, little-endian) and its bytes.
func appendBinary(b []byte, data any) []byte {
	switch d := data.(type) {
	case []string:
		for _, s := range d {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
			b = append(b, s...)
		}
	case []int64:
		for _, v := range d {
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	case []float32:
		for _, v := range d {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	case []bool:
		for _, v := range d {
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	default:
		panic(fmt.Sprintf("appendBinary: %T", data))
	}
	return b
}

// batchOf accepts [N,C,H,W] of the input shape, and [N,H,W] for one
// channel.
func batchOf(shape []int, in nn.Shape) (int, error) {
	ok := (len(shape) == 3 && in.C == 1 && shape[1] == in.H && shape[2] == in.W) ||
		(len(shape) == 4 && shape[1] == in.C && shape[2] == in.H && shape[3] == in.W)
	if !ok {
		if in.C == 1 {
			return 0, fmt.Errorf("shape %v, want [N,%d,%d] or [N,1,%d,%d]", shape, in.H, in.W, in.H, in.W)
		}
		return 0, fmt.Errorf("shape %v, want [N,%d,%d,%d]", shape, in.C, in.H, in.W)
	}
	if shape[0] < 1 || shape[0] > maxBatch {
		return 0, fmt.Errorf("batch of %d, want 1 to %d", shape[0], maxBatch)
	}
	return shape[0], nil
}

// scaleOf is what a value of datatype is multiplied by to be an input
// value: FP32 as given, UINT8 divided by 255.
func scaleOf(datatype string) (float64, error) {
	switch datatype {
	case "FP32":
		return 1, nil
	case "UINT8":
		return 1.0 / 255, nil
	}
	return 0, fmt.Errorf("datatype %q, want FP32 or UINT8", datatype)
}

// binaryData reads want values of datatype from the binary tensor
// extension's bytes: little-endian FP32, or UINT8.
func binaryData(raw []byte, datatype string, want int) ([]float32, error) {
	scale, err := scaleOf(datatype)
	if err != nil {
		return nil, err
	}
	size := 4
	if datatype == "UINT8" {
		size = 1
	}
	if len(raw) != want*size {
		return nil, fmt.Errorf("binary data of %d bytes, the shape needs %d %s values (%d bytes)", len(raw), want, datatype, want*size)
	}
	out := make([]float32, want)
	for i := range out {
		if size == 1 {
			out[i] = float32(float64(raw[i]) * scale)
		} else {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	}
	return out, nil
}

// tensorData flattens the JSON data (flat or nested arrays, as the
// protocol allows) into want float32 values: FP32 as given, UINT8 divided
// by 255.
func tensorData(raw json.RawMessage, datatype string, want int) ([]float32, error) {
	scale, err := scaleOf(datatype)
	if err != nil {
		return nil, err
	}
	out := make([]float32, 0, want)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("data: %v", err)
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '[' {
				depth++
			} else if t == ']' {
				depth--
			} else {
				return nil, fmt.Errorf("data: objects are not tensor values")
			}
			if depth > 5 {
				return nil, fmt.Errorf("data: nested deeper than the shape")
			}
		case json.Number:
			if len(out) == want {
				return nil, fmt.Errorf("data: more than the %d values of the shape", want)
			}
			v, err := t.Float64()
			if err != nil {
				return nil, fmt.Errorf("data: %v", err)
			}
			if datatype == "UINT8" && (v < 0 || v > 255 || v != float64(int(v))) {
				return nil, fmt.Errorf("data: %v is not a UINT8", v)
			}
			out = append(out, float32(v*scale))
		default:
			return nil, fmt.Errorf("data: %v is not a number", tok)
		}
	}
	if len(out) != want {
		return nil, fmt.Errorf("data: %d values, the shape needs %d", len(out), want)
	}
	return out, nil
}

// inRange checks the input: the engine's input is a preprocessed image,
// values in [0, 1], which also keeps out NaN and what float32 cannot hold.
// An engine's normalisation is applied after (backend.Normalize), so
// clients send pixels whatever the engine's mean and scale.
func inRange(values []float32) error {
	for i, v := range values {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("data: value %d is %v, outside the FP32 input range [0, 1]", i, v)
		}
	}
	return nil
}
