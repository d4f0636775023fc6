// Package events publishes what the pipelines see to an MQTT broker, for
// home automation: a source's state (its classified label) when it
// changes, a source turning unknown, and enrolments, each a JSON object.
//
// Topics, under PREFIX/NODE (default sliced/HOSTNAME):
//
//	PREFIX/NODE/availability      online or offline, retained; the last will says offline
//	PREFIX/NODE/SOURCE/state      a state change, retained, so a new subscriber sees the current one
//	PREFIX/NODE/SOURCE/unknown    the source's state became unknown
//	PREFIX/NODE/enrolment         the engine's classes changed (enrolment, removal, import, rollback)
//	DISCOVERY/sensor/NODE_SOURCE/config   Home Assistant discovery, retained
//
// A named region of a source is one topic level more
// (PREFIX/NODE/SOURCE/REGION/state, with "region" in the payload), so
// subscriptions to PREFIX/NODE/SOURCE/# see every region; each region is
// its own Home Assistant sensor (Options.Sources names it SOURCE/REGION).
//
// Events go through a bounded queue: while the broker is away they wait
// there, the oldest dropped once it is full, and they are sent in order
// after the reconnect; an event leaves the queue only when the broker has
// acknowledged it (QoS 1), so a restart of the broker within the queue
// bound loses none (a few may arrive twice; the id field tells them
// apart). Reconnects wait with a doubling backoff.
package events
