// Package metrics defines every Prometheus metric the daemon exports, built
// once and registered on a registry passed in (never the global one).
//
// Names follow sliced_<subsystem>_<name>_<unit> with base units. Durations
// are histograms in seconds labelled by source, backend and device; the
// stages are capture, preprocess, inference, conv and knn (conv and knn
// only for backends that can tell them apart). The stage histogram also
// has a path label: pipeline (a source's frames), classify (POST
// /v1/classify), v2 (KServe inference over HTTP, one observation per image
// of a batch, each the batch's time shared out), grpc (KServe ModelInfer,
// likewise) or bench (`sliced bench`, which runs in a process of its own
// and writes them to a file: WriteText), so every inference is in it
// whichever way it came; requests and bench frames have an empty source.
//
//	sliced_pipeline_frame_duration_seconds      end to end, capture to result
//	sliced_pipeline_stage_duration_seconds      one stage (labels stage, path)
//	sliced_pipeline_frames_total                frames classified
//	sliced_pipeline_classifications_total       by label, every frame's own answer
//	sliced_pipeline_smoothed_total              answers not reported: smoothing kept the state
//	sliced_pipeline_dropped_frames_total        overwritten before inference
//	sliced_pipeline_errors_total                by kind
//	sliced_source_up                            1 while a source delivers
//	sliced_source_reconnects_total              reopen attempts
//	sliced_source_last_frame_age_seconds        time since the last frame
//	sliced_backend_info                         loaded / skipped / failed
//	sliced_backend_fallbacks_total              primary failed, sliced answered
//	sliced_compare_duration_seconds             the compared backend's latency
//	sliced_compare_frames_total                 frames sent to it
//	sliced_compare_agreements_total             of those, same label as primary
//	sliced_engine_info                          name, kind, topology, format_version, version
//	sliced_engine_classes, _prototypes, _size_bytes
//	sliced_engine_reloads_total                 SIGHUP reloads by result
//	sliced_http_request_duration_seconds        by handler, method, code
//	sliced_candidates_kept                      frames kept for enrolment (unknown or low score)
//	sliced_mqtt_events_total                    MQTT events by result: published (acknowledged) or dropped (queue full)
//	sliced_mqtt_queue_length                    MQTT events waiting for the broker
//	sliced_mqtt_connected                       1 while the broker connection is up
//
// With board I/O configured (Hardware, registered as each feature comes up;
// device/gpio and device/power supply the readings):
//
//	sliced_hardware_available                   feature gpio / power: 1 working, 0 absent
//	sliced_gpio_trigger_edges_total             accepted trigger edges
//	sliced_gpio_trigger_bounces_total           edges dropped as bounce
//	sliced_gpio_gated_frames_total              frames not classified for want of an edge
//	sliced_gpio_output_errors_total             failed output pin writes
//	sliced_power_watts                          latest power sample
//	sliced_power_energy_joules_total            energy since start
//	sliced_power_read_errors_total              failed sensor reads
//	sliced_power_inference_joules               energy per pipeline result, last 10 s window
//
// plus the standard go_* and process_* collectors.
//
// The per-result families (frame_duration, frames, classifications,
// unknown, smoothed, errors) have a roi label, the name of the source's
// region the result is for: empty for a source with one unnamed region and
// for errors of the whole source (capture, source_*).
//
// Error kinds: no_object (nothing found in the frame), preprocess,
// inference (primary and fallback failed), compare, region_outside (a
// region's rectangle is not inside the frame; logged once), frame (an undecodable
// or corrupt frame, skipped without reopening the source), source_open, source_error, source_end, source_silent
// (the source was reopened for that reason) and source_unsupported (a
// source kind this build lacks).
//
// Useful queries:
//
//	histogram_quantile(0.99, sum by (le, source) (rate(sliced_pipeline_frame_duration_seconds_bucket[5m])))
//	rate(sliced_pipeline_dropped_frames_total[5m]) / rate(sliced_pipeline_frames_total[5m])
//	rate(sliced_compare_agreements_total[1h]) / rate(sliced_compare_frames_total[1h])
//	sum by (roi, label) (rate(sliced_pipeline_classifications_total{source="cam"}[5m]))
package metrics
