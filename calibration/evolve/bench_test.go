package evolve

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sliced-ai/sliced/engine/nn"
	"github.com/sliced-ai/sliced/models"
)

// BenchmarkFitness measures one candidate evaluation on the 4000/1000
// protocol's fitness sets (2500 prototypes, 1000 queries) for topology B,
// with each trick of the package switched on in turn:
//
//	naive        the conv stack up to the stage, for every image, and
//	             distances over every feature
//	channel      only the candidate's channel is computed (cached inputs),
//	             distances still over every feature
//	incremental  the channel, plus distances over that channel added to
//	             the cached rest
//	batched      a whole generation's filters in one multiply per image
//	parallel     batched, on every core
//
// Run: go test -run XXX -bench Fitness -benchtime 1x ./calibration/evolve/
func BenchmarkFitness(b *testing.B) {
	train, _ := mnist(&testing.T{}, 4000, 1)
	if train == nil {
		b.Skip("MNIST not available")
	}
	data, err := SplitTrain(train, 1000, 500, 1)
	if err != nil {
		b.Fatal(err)
	}
	s := models.ConvStack(models.B)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range s.Layers {
		he := math.Sqrt(2 / float64(max(1, len(s.Layers[i].W)/max(1, s.Layers[i].Out))))
		for j := range s.Layers[i].W {
			s.Layers[i].W[j] = float32(rng.NormFloat64() * he)
		}
	}
	for stageIdx := 0; stageIdx < 2; stageIdx++ {
		for _, workers := range []int{1, 0} {
			cfg := Config{Workers: workers}
			if err := cfg.defaults(); err != nil {
				b.Fatal(err)
			}
			stages, _ := stagesOf(&s)
			r := newRunner(&s, stages, data, cfg)
			for si := 0; si <= stageIdx; si++ {
				r.enterStage(si)
			}
			st := &r.stages[stageIdx]
			l := s.Layers[st.conv]
			const f0, lambda = 5, 10
			w := append([]float32(nil), l.W[f0*st.fanIn:(f0+1)*st.fanIn]...)
			bias := []float32{l.B[f0]}
			d := st.dOut()
			rest := r.fit.all.clone()
			delta := r.deltas[0].view(r.fit.nq, r.fit.np)
			r.fit.block(delta, r.chans[f0:f0+1], d, &r.bufs[0])
			rest.sub(delta)
			name := func(mode string) string { return fmt.Sprintf("conv%d/%s", stageIdx+1, mode) }
			if workers == 1 {
				b.Run(name("naive"), func(b *testing.B) {
					prefix := nn.Stack{In: s.In, Layers: s.Layers[:st.conv+1+len(st.post)]}
					run, err := nn.NewRunner(&prefix)
					if err != nil {
						b.Fatal(err)
					}
					dim := run.Out().Len()
					feats := make([]float32, r.nFit*dim)
					in := s.In.Len()
					for range b.N {
						for i := 0; i < r.nFit; i++ {
							f, _ := run.Forward(r.images[i*in : (i+1)*in])
							copy(feats[i*dim:], f)
						}
						r.fit.block(delta, [][]float32{feats}, dim, &r.bufs[0])
						r.fit.knnScore(delta, nil, 9, 10)
					}
				})
				b.Run(name("channel"), func(b *testing.B) {
					ch := [][]float32{make([]float32, r.n*d)}
					for range b.N {
						st.filterOutputs(ch, w, bias, 1, r.inputs, r.nFit, 1)
						all := append(append(append([][]float32{}, r.chans[:f0]...), ch[0]), r.chans[f0+1:]...)
						r.fit.block(delta, all, d, &r.bufs[0])
						r.fit.knnScore(delta, nil, 9, 10)
					}
				})
				b.Run(name("incremental"), func(b *testing.B) {
					ch := [][]float32{make([]float32, r.n*d)}
					for range b.N {
						st.filterOutputs(ch, w, bias, 1, r.inputs, r.nFit, 1)
						r.fit.block(delta, ch, d, &r.bufs[0])
						r.fit.knnScore(rest, &delta, 9, 10)
					}
				})
			}
			mode := "batched"
			if workers != 1 {
				mode = fmt.Sprintf("parallel-%d", cfg.Workers)
			}
			b.Run(name(mode), func(b *testing.B) {
				ws := make([]float32, 0, lambda*st.fanIn)
				bs := make([]float32, 0, lambda)
				for range lambda {
					ws = append(ws, w...)
					bs = append(bs, bias...)
				}
				outs := make([][]float32, lambda)
				for i := range outs {
					outs[i] = make([]float32, r.n*d)
				}
				for range b.N {
					st.filterOutputs(outs, ws, bs, lambda, r.inputs, r.nFit, cfg.Workers)
					r.score(outs, 1, rest, d)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lambda)/1e6, "ms/candidate")
			})
		}
	}
}
