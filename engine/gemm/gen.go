package gemm

//go:generate go run ./internal/gen/gemmgen
