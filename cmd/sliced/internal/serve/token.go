package serve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
)

// readToken reads the bearer token: token_file if set, else the systemd
// credential $CREDENTIALS_DIRECTORY/token, else none ("").
func readToken(c config.Config) (string, error) {
	path := c.TokenFile
	if path == "" {
		dir := os.Getenv("CREDENTIALS_DIRECTORY")
		if dir == "" {
			return "", nil
		}
		path = filepath.Join(dir, "token")
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("token: %s is empty", path)
	}
	return t, nil
}

func (d *daemon) loadToken(c config.Config) error {
	t, err := readToken(c)
	if err != nil {
		return err
	}
	if t == "" {
		d.log.Warn("no token configured: enrolment and uploads are disabled")
	}
	d.token.Store(t)
	return nil
}
