package serve

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/sliced-ai/sliced/cmd/sliced/internal/config"
)

func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	os.WriteFile(file, []byte("  from-file\n"), 0o600)
	creds := filepath.Join(dir, "creds")
	os.Mkdir(creds, 0o700)
	os.WriteFile(filepath.Join(creds, "token"), []byte("from-systemd\n"), 0o600)

	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	if tok, err := readToken(config.Config{TokenFile: file}); err != nil || tok != "from-file" {
		t.Fatalf("token_file: %q %v", tok, err)
	}
	if tok, err := readToken(config.Config{}); err != nil || tok != "from-systemd" {
		t.Fatalf("credential: %q %v", tok, err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	if tok, err := readToken(config.Config{}); err != nil || tok != "" {
		t.Fatalf("none: %q %v", tok, err)
	}
	os.WriteFile(file, []byte("\n"), 0o600)
	if _, err := readToken(config.Config{TokenFile: file}); err == nil {
		t.Fatal("an empty token file was accepted")
	}
	if _, err := readToken(config.Config{TokenFile: filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("a missing token file was accepted")
	}
}

func TestJSONLogLevel(t *testing.T) {
	var buf bytes.Buffer
	level := new(slog.LevelVar)
	log := newLogger(config.Log{Format: "json", Level: "warn"}, level, &buf)
	log.Info("hidden")
	log.Warn("shown", "source", "cam")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("%v in %q", err, buf.String())
	}
	if rec["msg"] != "shown" || rec["source"] != "cam" {
		t.Fatalf("record %v", rec)
	}
	level.Set(parseLevel("debug")) // what SIGHUP does
	buf.Reset()
	log.Debug("now shown")
	if buf.Len() == 0 {
		t.Fatal("level change not applied")
	}
}
