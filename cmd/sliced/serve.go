package main

import (
	"context"
	"errors"
	"io"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/serve"
)

func init() {
	register(command{
		name:    "serve",
		summary: "run the daemon: sources, backends, HTTP API, metrics, live view",
		run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			serve.Version = version
			err := serve.Serve(ctx, args, stdout, stderr)
			if errors.Is(err, serve.ErrUsage) {
				return errUsage
			}
			return err
		},
	})
}
