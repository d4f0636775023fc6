//go:build !linux

package v4l2

import (
	"context"
	"fmt"
	"image"
	"time"
)

// Device is a V4L2 capture device; V4L2 exists on Linux only.
type Device struct{}

// Open fails: V4L2 exists on Linux only.
func Open(cfg Config) (*Device, error) {
	return nil, fmt.Errorf("v4l2 %s: Video4Linux2 is Linux only: %w", cfg.Device, ErrNoDevice)
}

// Format is zero.
func (d *Device) Format() (int, int, PixelFormat) { return 0, 0, 0 }

// Next fails.
func (d *Device) Next(context.Context) (*image.Gray, time.Time, error) {
	return nil, time.Time{}, ErrNoDevice
}

// Read fails.
func (d *Device) Read(context.Context, bool) (image.Image, time.Time, error) {
	return nil, time.Time{}, ErrNoDevice
}

// Close does nothing.
func (d *Device) Close() error { return nil }
