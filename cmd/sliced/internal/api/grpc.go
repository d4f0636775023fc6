package api

import (
	"context"
	"math"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	pb "github.com/sliced-ai/sliced/cmd/sliced/internal/kservegrpc"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/metrics"
)

// Server is the API over one set of models, statistics and model folder:
// HTTP (ServeHTTP) and the KServe v2 gRPC service (GRPC) share them.
type Server struct{ s *server }

// New builds the API.
func New(d Deps) *Server { return &Server{s: buildServer(d)} }

func (a *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.s.ServeHTTP(w, r) }

// GRPCServer is the gRPC server and its health service, which says
// NOT_SERVING once Stop begins so that balancers move away first.
type GRPCServer struct {
	*grpc.Server
	health *health.Server
}

// GRPC is a gRPC server with inference.GRPCInferenceService and the
// standard health service. maxMessage bounds a message either way: a
// larger request is refused before it is read whole.
func (a *Server) GRPC(maxMessage int) *GRPCServer {
	g := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	pb.RegisterGRPCInferenceServiceServer(g, &grpcService{s: a.s})
	h := health.NewServer()
	h.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	h.SetServingStatus(pb.GRPCInferenceService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(g, h)
	return &GRPCServer{Server: g, health: h}
}

// Stop finishes the calls in flight and stops, or closes the connections
// once ctx is done (a handler still running then ends on its own).
func (g *GRPCServer) Stop(ctx context.Context) error {
	g.health.Shutdown()
	done := make(chan struct{})
	go func() { g.GracefulStop(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		g.Server.Stop()
		return ctx.Err()
	}
}

type grpcService struct {
	pb.UnimplementedGRPCInferenceServiceServer
	s *server
}

// grpcError is err as a gRPC status, its code the nearest to the HTTP one.
func grpcError(err *apiError) error {
	c := codes.Internal
	switch err.code {
	case http.StatusBadRequest:
		c = codes.InvalidArgument
	case http.StatusUnauthorized:
		c = codes.Unauthenticated
	case http.StatusForbidden:
		c = codes.PermissionDenied
	case http.StatusNotFound:
		c = codes.NotFound
	case http.StatusConflict:
		c = codes.FailedPrecondition
	case http.StatusRequestEntityTooLarge:
		c = codes.ResourceExhausted
	case http.StatusServiceUnavailable:
		c = codes.Unavailable
	}
	return status.Error(c, err.msg)
}

func (g *grpcService) ServerLive(context.Context, *pb.ServerLiveRequest) (*pb.ServerLiveResponse, error) {
	return &pb.ServerLiveResponse{Live: true}, nil
}

func (g *grpcService) ServerReady(context.Context, *pb.ServerReadyRequest) (*pb.ServerReadyResponse, error) {
	ok, _ := g.s.d.Ready()
	return &pb.ServerReadyResponse{Ready: ok}, nil
}

// ModelReady answers false for a model not served, as Triton does.
func (g *grpcService) ModelReady(_ context.Context, r *pb.ModelReadyRequest) (*pb.ModelReadyResponse, error) {
	_, err := g.s.lookup(r.Name, r.Version)
	return &pb.ModelReadyResponse{Ready: err == nil}, nil
}

func (g *grpcService) ServerMetadata(context.Context, *pb.ServerMetadataRequest) (*pb.ServerMetadataResponse, error) {
	return &pb.ServerMetadataResponse{Name: "sliced", Version: g.s.d.Version, Extensions: v2Extensions}, nil
}

func tensorMetas(ts []tensorMeta) []*pb.ModelMetadataResponse_TensorMetadata {
	out := make([]*pb.ModelMetadataResponse_TensorMetadata, len(ts))
	for i, t := range ts {
		out[i] = &pb.ModelMetadataResponse_TensorMetadata{Name: t.Name, Datatype: t.Datatype, Shape: int64s(t.Shape)}
	}
	return out
}

func int64s(v []int) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func (g *grpcService) ModelMetadata(_ context.Context, r *pb.ModelMetadataRequest) (*pb.ModelMetadataResponse, error) {
	b, err := g.s.lookup(r.Name, r.Version)
	if err != nil {
		return nil, grpcError(err)
	}
	info := b.Info()
	return &pb.ModelMetadataResponse{
		Name:     r.Name,
		Versions: []string{g.s.modelVersion(r.Name)},
		Platform: info.Name + "_" + info.Device,
		Inputs:   tensorMetas(modelInputs(b)),
		Outputs:  tensorMetas(modelOutputs(b)),
	}, nil
}

// ModelConfig is the configuration GET .../config answers, as the proto
// has it.
func (g *grpcService) ModelConfig(_ context.Context, r *pb.ModelConfigRequest) (*pb.ModelConfigResponse, error) {
	b, err := g.s.lookup(r.Name, r.Version)
	if err != nil {
		return nil, grpcError(err)
	}
	info := b.Info()
	cfg := &pb.ModelConfig{
		Name:          r.Name,
		Platform:      info.Name + "_" + info.Device,
		Backend:       info.Name,
		VersionPolicy: &pb.ModelVersionPolicy{PolicyChoice: &pb.ModelVersionPolicy_Latest_{Latest: &pb.ModelVersionPolicy_Latest{NumVersions: 1}}},
		MaxBatchSize:  maxBatch,
		InstanceGroup: []*pb.ModelInstanceGroup{{Name: r.Name, Kind: pb.ModelInstanceGroup_Kind(pb.ModelInstanceGroup_Kind_value[instanceKind(info.Device)]), Count: 1}},
		Parameters: map[string]*pb.ModelParameter{
			"device":  {StringValue: info.Device},
			"model":   {StringValue: info.Model},
			"classes": {StringValue: strings.Join(b.Classes(), ",")},
		},
	}
	for _, t := range configInputs(b) {
		cfg.Input = append(cfg.Input, &pb.ModelInput{Name: t.Name, DataType: pb.DataType(pb.DataType_value[t.DataType]),
			Format: pb.ModelInput_Format(pb.ModelInput_Format_value[t.Format]), Dims: int64s(t.Dims)})
	}
	for _, t := range configOutputs(b) {
		o := &pb.ModelOutput{Name: t.Name, DataType: pb.DataType(pb.DataType_value[t.DataType]), Dims: int64s(t.Dims)}
		if t.Reshape != nil {
			o.Reshape = &pb.ModelTensorReshape{Shape: []int64{}}
		}
		cfg.Output = append(cfg.Output, o)
	}
	return &pb.ModelConfigResponse{Config: cfg}, nil
}

func statDuration(d duration) *pb.StatisticDuration {
	return &pb.StatisticDuration{Count: d.Count, Ns: d.NS}
}

// ModelStatistics answers one model, or every model when the name is
// empty.
func (g *grpcService) ModelStatistics(_ context.Context, r *pb.ModelStatisticsRequest) (*pb.ModelStatisticsResponse, error) {
	names := []string{r.Name}
	if r.Name == "" {
		names = g.s.modelNames()
	} else if _, err := g.s.lookup(r.Name, r.Version); err != nil {
		return nil, grpcError(err)
	}
	out := &pb.ModelStatisticsResponse{}
	for _, name := range names {
		st := g.s.stats.of(name, g.s.modelVersion(name))
		is := st.InferenceStats
		ms := &pb.ModelStatistics{
			Name: st.Name, Version: st.Version, LastInference: uint64(st.LastInference),
			InferenceCount: st.InferenceCount, ExecutionCount: st.ExecutionCount,
			InferenceStats: &pb.InferStatistics{
				Success: statDuration(is.Success), Fail: statDuration(is.Fail), Queue: statDuration(is.Queue),
				ComputeInput: statDuration(is.ComputeInput), ComputeInfer: statDuration(is.ComputeInfer),
				ComputeOutput: statDuration(is.ComputeOutput), CacheHit: statDuration(is.CacheHit), CacheMiss: statDuration(is.CacheMiss),
			},
		}
		for _, bs := range st.BatchStats {
			ms.BatchStats = append(ms.BatchStats, &pb.InferBatchStatistics{BatchSize: uint64(bs.BatchSize),
				ComputeInput: statDuration(bs.ComputeInput), ComputeInfer: statDuration(bs.ComputeInfer), ComputeOutput: statDuration(bs.ComputeOutput)})
		}
		out.ModelStats = append(out.ModelStats, ms)
	}
	return out, nil
}

func (g *grpcService) RepositoryIndex(_ context.Context, r *pb.RepositoryIndexRequest) (*pb.RepositoryIndexResponse, error) {
	entries, err := g.s.repoEntries(r.Ready)
	if err != nil {
		return nil, grpcError(err)
	}
	out := &pb.RepositoryIndexResponse{}
	for _, e := range entries {
		out.Models = append(out.Models, &pb.RepositoryIndexResponse_ModelIndex{Name: e.Name, Version: e.Version, State: e.State, Reason: e.Reason})
	}
	return out, nil
}

// authorize applies the HTTP token rule to the call's "authorization"
// metadata.
func (g *grpcService) authorize(ctx context.Context) error {
	var auth string
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("authorization"); len(v) > 0 {
			auth = v[0]
		}
	}
	if err := g.s.authorize(auth); err != nil {
		return grpcError(err)
	}
	return nil
}

func (g *grpcService) RepositoryModelLoad(ctx context.Context, r *pb.RepositoryModelLoadRequest) (*pb.RepositoryModelLoadResponse, error) {
	if err := g.authorize(ctx); err != nil {
		return nil, err
	}
	if err := g.s.loadModel(r.ModelName, len(r.Parameters)); err != nil {
		return nil, grpcError(err)
	}
	return &pb.RepositoryModelLoadResponse{}, nil
}

func (g *grpcService) RepositoryModelUnload(ctx context.Context, r *pb.RepositoryModelUnloadRequest) (*pb.RepositoryModelUnloadResponse, error) {
	if err := g.authorize(ctx); err != nil {
		return nil, err
	}
	if err := g.s.unloadModel(r.ModelName); err != nil {
		return nil, grpcError(err)
	}
	return &pb.RepositoryModelUnloadResponse{}, nil
}

// ModelInfer is POST .../infer over gRPC: the same checks, classification
// and statistics; the outputs always come as raw_output_contents, which is
// what Triton's clients read.
func (g *grpcService) ModelInfer(_ context.Context, r *pb.ModelInferRequest) (*pb.ModelInferResponse, error) {
	b, aerr := g.s.lookup(r.ModelName, r.ModelVersion)
	if aerr != nil {
		return nil, grpcError(aerr)
	}
	t0 := time.Now()
	resp, st, err := g.infer(r, b)
	total := time.Since(t0)
	g.s.stats.record(r.ModelName, err == nil, st.n, total, st.input, st.infer, total-st.input-st.infer)
	return resp, err
}

func (g *grpcService) infer(r *pb.ModelInferRequest, b backend.Backend) (*pb.ModelInferResponse, inferStats, error) {
	var st inferStats
	t0 := time.Now()
	bad := func(format string, a ...any) error { return grpcError(errorf(http.StatusBadRequest, format, a...)) }
	if len(r.Inputs) != 1 {
		return nil, st, bad("want exactly one input tensor, got %d", len(r.Inputs))
	}
	in := r.Inputs[0]
	shape := make([]int, len(in.Shape))
	for i, d := range in.Shape {
		shape[i] = int(max(min(d, math.MaxInt32), math.MinInt32))
	}
	n, err := batchOf(shape, backend.InputOf(b))
	if err != nil {
		return nil, st, bad("input %q: %v", in.Name, err)
	}
	var values []float32
	switch {
	case len(r.RawInputContents) > 0:
		if len(r.RawInputContents) != 1 {
			return nil, st, bad("%d raw_input_contents for one input", len(r.RawInputContents))
		}
		values, err = binaryData(r.RawInputContents[0], in.Datatype, n*backend.InputOf(b).Len())
	case in.Contents != nil:
		values, err = contentsData(in.Contents, in.Datatype, n*backend.InputOf(b).Len())
	default:
		err = errorf(http.StatusBadRequest, "no data: neither raw_input_contents nor contents")
	}
	if err == nil {
		err = inRange(values)
	}
	if err == nil {
		backend.Normalize(b, values)
	}
	if err != nil {
		return nil, st, bad("input %q: %v", in.Name, err)
	}
	classes := b.Classes()
	asks := make([]outputAsk, len(r.Outputs))
	for i, o := range r.Outputs {
		asks[i] = outputAsk{name: o.Name}
		if p := o.Parameters["classification"]; p != nil {
			asks[i].classification = int(max(min(p.GetInt64Param(), math.MaxInt32), math.MinInt32))
		}
	}
	outs, err := requestedOutputs(asks, true, len(classes))
	if err != nil {
		return nil, st, bad("%v", err)
	}
	st.input = time.Since(t0)

	t1 := time.Now()
	res, err := g.s.classifyBatch(b, values, metrics.PathGRPC)
	st.infer = time.Since(t1)
	if err != nil {
		return nil, st, grpcError(errorf(http.StatusInternalServerError, "model %q: %v", r.ModelName, err))
	}
	st.n = n
	resp := &pb.ModelInferResponse{ModelName: r.ModelName, ModelVersion: g.s.modelVersion(r.ModelName), Id: r.Id}
	for _, o := range outs {
		datatype, shape, data := outputOf(o, res, classes)
		resp.Outputs = append(resp.Outputs, &pb.ModelInferResponse_InferOutputTensor{Name: o.name, Datatype: datatype, Shape: int64s(shape)})
		resp.RawOutputContents = append(resp.RawOutputContents, appendBinary(nil, data))
	}
	return resp, st, nil
}

// contentsData reads want values from the typed contents: fp32_contents
// for FP32, and for UINT8 uint_contents (each value one byte) or
// bytes_contents (one element of the raw bytes).
func contentsData(c *pb.InferTensorContents, datatype string, want int) ([]float32, error) {
	switch datatype {
	case "FP32":
		if len(c.Fp32Contents) != want {
			return nil, errorf(http.StatusBadRequest, "fp32_contents of %d values, the shape needs %d", len(c.Fp32Contents), want)
		}
		return c.Fp32Contents, nil
	case "UINT8":
		if len(c.UintContents) != want {
			return nil, errorf(http.StatusBadRequest, "uint_contents of %d values, the shape needs %d", len(c.UintContents), want)
		}
		raw := make([]byte, want)
		for i, v := range c.UintContents {
			if v > 255 {
				return nil, errorf(http.StatusBadRequest, "uint_contents: %d is not a UINT8", v)
			}
			raw[i] = byte(v)
		}
		return binaryData(raw, datatype, want)
	}
	_, err := scaleOf(datatype)
	return nil, err
}
