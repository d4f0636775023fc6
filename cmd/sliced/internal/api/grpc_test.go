package api

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"net"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/backend"
	"github.com/sliced-ai/sliced/cmd/sliced/internal/fixture"
	pb "github.com/sliced-ai/sliced/cmd/sliced/internal/kservegrpc"
)

// gated holds every classification until its gate is closed.
type gated struct {
	backend.Backend
	entered chan struct{}
	gate    chan struct{}
}

func (g *gated) Classify(in []float32) (backend.Result, error) {
	g.entered <- struct{}{}
	<-g.gate
	return g.Backend.Classify(in)
}

// newGRPC serves the test Deps over gRPC with a message limit of
// maxMessage bytes; "slow" is a model whose inferences wait on its gate.
func newGRPC(t *testing.T, maxMessage int) (pb.GRPCInferenceServiceClient, *grpc.ClientConn, *GRPCServer, Deps, *gated) {
	t.Helper()
	var d Deps
	newServerOn(t, t.TempDir(), 1, func(x *Deps) { d = *x })
	slow := &gated{entered: make(chan struct{}, 1), gate: make(chan struct{})}
	served := d.Backends
	slow.Backend = served()["sliced"]
	d.Backends = func() map[string]backend.Backend {
		m := map[string]backend.Backend{"slow": slow}
		for k, v := range served() {
			m[k] = v
		}
		return m
	}
	g := New(d).GRPC(maxMessage)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go g.Serve(ln)
	t.Cleanup(g.Server.Stop)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return pb.NewGRPCInferenceServiceClient(conn), conn, g, d, slow
}

func grpcInferRequest(model string, images int) *pb.ModelInferRequest {
	var raw []byte
	for i := 0; i < images; i++ {
		for _, v := range fixture.Tensor(fixture.Digit(i%10, 0, 0)) {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
	}
	return &pb.ModelInferRequest{
		ModelName:        model,
		Inputs:           []*pb.ModelInferRequest_InferInputTensor{{Name: "input", Datatype: "FP32", Shape: []int64{int64(images), 1, 28, 28}}},
		RawInputContents: [][]byte{raw},
	}
}

func codeOf(t *testing.T, err error, want codes.Code) {
	t.Helper()
	if s, _ := status.FromError(err); s.Code() != want {
		t.Fatalf("got %v, want code %v", err, want)
	}
}

func TestGRPCInferAndMetrics(t *testing.T) {
	c, conn, _, d, _ := newGRPC(t, 1<<20)
	ctx := context.Background()
	h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: pb.GRPCInferenceService_ServiceDesc.ServiceName})
	if err != nil || h.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", h, err)
	}
	res, err := c.ModelInfer(ctx, grpcInferRequest("sliced", 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outputs) != 4 || len(res.RawOutputContents) != 4 || res.Outputs[1].Name != outIndex || len(res.RawOutputContents[1]) != 3*8 {
		t.Fatalf("outputs %v, %d raw", res.Outputs, len(res.RawOutputContents))
	}
	fams, err := d.Gatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var grpcImages uint64
	for _, f := range fams {
		if f.GetName() != "sliced_pipeline_stage_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "path" && l.GetValue() == "grpc" && hasLabel(m.GetLabel(), "stage", "inference") {
					grpcImages += m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	if grpcImages != 3 {
		t.Errorf("%d inference observations with path=grpc, want 3 (one per image)", grpcImages)
	}
	st, err := c.ModelStatistics(ctx, &pb.ModelStatisticsRequest{Name: "sliced"})
	if err != nil || st.ModelStats[0].InferenceCount != 3 {
		t.Fatalf("statistics %v %v", st, err)
	}
	_, err = c.ModelInfer(ctx, &pb.ModelInferRequest{ModelName: "sliced"})
	codeOf(t, err, codes.InvalidArgument)
	_, err = c.ModelMetadata(ctx, &pb.ModelMetadataRequest{Name: "nope"})
	codeOf(t, err, codes.NotFound)
}

func hasLabel(ls []*dto.LabelPair, name, value string) bool {
	for _, l := range ls {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// The repository calls follow the HTTP token rule, read from the
// "authorization" metadata.
func TestGRPCToken(t *testing.T) {
	c, _, _, _, _ := newGRPC(t, 1<<20)
	unload := func(auth string) error {
		ctx := context.Background()
		if auth != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", auth)
		}
		_, err := c.RepositoryModelUnload(ctx, &pb.RepositoryModelUnloadRequest{ModelName: "fullcnn"})
		return err
	}
	codeOf(t, unload(""), codes.Unauthenticated)
	codeOf(t, unload("Bearer wrong"), codes.Unauthenticated)
	codeOf(t, unload(token), codes.Unauthenticated) // without "Bearer "
	// With the token it gets as far as the model: a configured one stays.
	codeOf(t, unload("Bearer "+token), codes.FailedPrecondition)
}

// A message over the limit is refused whole: 64 images of FP32 are about
// 200 kB.
func TestGRPCMessageLimit(t *testing.T) {
	c, _, _, _, _ := newGRPC(t, 100_000)
	_, err := c.ModelInfer(context.Background(), grpcInferRequest("sliced", 64))
	codeOf(t, err, codes.ResourceExhausted)
	if _, err := c.ModelInfer(context.Background(), grpcInferRequest("sliced", 2)); err != nil {
		t.Fatalf("a request under the limit: %v", err)
	}
}

// Stop lets a call in flight finish, refuses new ones, and health says
// NOT_SERVING meanwhile.
func TestGRPCGracefulStop(t *testing.T) {
	c, conn, g, _, slow := newGRPC(t, 1<<20)
	done := make(chan error, 1)
	go func() {
		_, err := c.ModelInfer(context.Background(), grpcInferRequest("slow", 1))
		done <- err
	}()
	<-slow.entered
	stopped := make(chan error, 1)
	go func() { stopped <- g.Stop(context.Background()) }()
	// Health goes NOT_SERVING before the server stops taking calls.
	deadline := time.Now().Add(5 * time.Second)
	for {
		h, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
		if err != nil || h.Status == healthpb.HealthCheckResponse_NOT_SERVING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("health still SERVING while stopping")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-stopped:
		t.Fatal("Stop returned with a call in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(slow.gate)
	if err := <-done; err != nil {
		t.Fatalf("the call in flight: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if _, err := c.ServerLive(context.Background(), &pb.ServerLiveRequest{}); err == nil {
		t.Fatal("a call after Stop succeeded")
	}
}

// Stop cuts the calls in flight once its context is done.
func TestGRPCStopTimeout(t *testing.T) {
	c, _, g, _, slow := newGRPC(t, 1<<20)
	done := make(chan error, 1)
	go func() {
		_, err := c.ModelInfer(context.Background(), grpcInferRequest("slow", 1))
		done <- err
	}()
	<-slow.entered
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := g.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop: %v, want the deadline", err)
	}
	if err := <-done; err == nil {
		t.Fatalf("the cut call: %v", err)
	}
	close(slow.gate)
}
