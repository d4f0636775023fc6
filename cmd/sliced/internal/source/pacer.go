package source

import "time"

// Pacer holds frames to a rate: every kind that paces (dir, video, and the
// OpenCV reader through camera.Config.Pace) waits on one of these.
type Pacer struct {
	period time.Duration // 0: no waiting
	next   time.Time
}

// NewPacer paces to fps frames a second; fps <= 0 never waits.
func NewPacer(fps float64) Pacer {
	if fps <= 0 {
		return Pacer{}
	}
	return Pacer{period: time.Duration(float64(time.Second) / fps)}
}

// Wait returns when the next frame is due, a period after the previous
// Wait returned, or false as soon as done is closed.
func (p *Pacer) Wait(done <-chan struct{}) bool {
	if p.period <= 0 {
		return true
	}
	if wait := time.Until(p.next); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-done:
			return false
		case <-t.C:
		}
	}
	p.next = time.Now().Add(p.period)
	return true
}
