package train

import (
	"fmt"
	"math"
	"strings"
)

// Optimizer updates parameters from their gradients. Step is called once
// per mini-batch with the same slices in the same order every time.
type Optimizer interface {
	Step(params, grads [][]float32)
	String() string
}

// Scheduled is an Optimizer whose learning rate the trainer can change
// between epochs (Config.LRDecay).
type Scheduled interface {
	Optimizer
	LearningRate() float64
	SetLearningRate(lr float64)
}

// Adam is Kingma and Ba's optimiser with Keras' defaults.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	t                     int
	m, v                  [][]float32
}

// NewAdam returns Adam with learning rate lr (Keras default 1e-3),
// beta1 0.9, beta2 0.999, epsilon 1e-7.
func NewAdam(lr float64) *Adam { return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-7} }

// LearningRate is the current step size.
func (a *Adam) LearningRate() float64 { return a.LR }

// SetLearningRate changes the step size; the moment estimates are kept.
func (a *Adam) SetLearningRate(lr float64) { a.LR = lr }

func (a *Adam) String() string { return fmt.Sprintf("adam(lr=%g)", a.LR) }

// Step applies one Adam update.
func (a *Adam) Step(params, grads [][]float32) {
	if a.m == nil {
		a.m, a.v = zerosLike(params), zerosLike(params)
	}
	a.t++
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	// Bias correction folded into the step size, as in the paper's
	// "efficient version".
	lr := float32(a.LR * math.Sqrt(1-math.Pow(a.Beta2, float64(a.t))) / (1 - math.Pow(a.Beta1, float64(a.t))))
	eps := float32(a.Eps)
	for i, p := range params {
		m, v, g := a.m[i], a.v[i], grads[i]
		for j := range p {
			m[j] = b1*m[j] + (1-b1)*g[j]
			v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
			p[j] -= lr * m[j] / (float32(math.Sqrt(float64(v[j]))) + eps)
		}
	}
}

// SGD is stochastic gradient descent with (heavy-ball) momentum.
type SGD struct {
	LR, Momentum float64
	vel          [][]float32
}

// LearningRate is the current step size.
func (s *SGD) LearningRate() float64 { return s.LR }

// SetLearningRate changes the step size; the velocity is kept.
func (s *SGD) SetLearningRate(lr float64) { s.LR = lr }

func (s *SGD) String() string { return fmt.Sprintf("sgd(lr=%g, momentum=%g)", s.LR, s.Momentum) }

// Step applies v = momentum*v - lr*g; p += v.
func (s *SGD) Step(params, grads [][]float32) {
	if s.vel == nil {
		s.vel = zerosLike(params)
	}
	lr, mu := float32(s.LR), float32(s.Momentum)
	for i, p := range params {
		v, g := s.vel[i], grads[i]
		for j := range p {
			v[j] = mu*v[j] - lr*g[j]
			p[j] += v[j]
		}
	}
}

// NewOptimizer builds "adam" or "sgd" (momentum 0.9); lr 0 picks the
// default (1e-3 for Adam, 0.01 for SGD).
func NewOptimizer(name string, lr float64) (Optimizer, error) {
	if lr < 0 || math.IsNaN(lr) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("train: learning rate %g", lr)
	}
	switch strings.ToLower(name) {
	case "adam", "":
		if lr == 0 {
			lr = 1e-3
		}
		return NewAdam(lr), nil
	case "sgd":
		if lr == 0 {
			lr = 0.01
		}
		return &SGD{LR: lr, Momentum: 0.9}, nil
	}
	return nil, fmt.Errorf("train: unknown optimiser %q (want adam or sgd)", name)
}

func zerosLike(x [][]float32) [][]float32 {
	out := make([][]float32, len(x))
	for i, p := range x {
		out[i] = make([]float32, len(p))
	}
	return out
}
