//go:build cgo

// One compiled model with one infer request over host buffers the shim
// owns (Go memory may not be kept by C between calls).
#include "shim.h"
#include "ov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ovs_model {
    ov_compiled_model_t* compiled;
    ov_infer_request_t* request;
    ov_tensor_t* in_tensor;
    ov_tensor_t* out_tensor;
    float* in;
    float* out;
    size_t in_len, out_len;
};

// port_tensor makes a host tensor of the port's shape and element type
// over a new float buffer and returns the buffer's value count.
static int port_tensor(ov_output_const_port_t* port, const char* what, ov_tensor_t** t, float** buf,
                       size_t* n, ovs_error* err) {
    ov_shape_t shape = {0};
    ov_element_type_e type = 0;
    CALL(err, "ov_port_get_element_type", ov.port_type(port, &type));
    CALL(err, "ov_const_port_get_shape", ov.port_shape(port, &shape));
    size_t len = 1;
    for (int64_t i = 0; i < shape.rank; i++) len *= (size_t)shape.dims[i];
    *buf = calloc(len ? len : 1, sizeof(float));
    if (!*buf) {
        ov.shape_free(&shape);
        set_msg(err, "out of memory for the %s buffer (%zu values)", what, len);
        return -1;
    }
    ov_status_e st = ov.tensor_from_host(type, shape, *buf, t);
    ov.shape_free(&shape);
    if (st != 0) return fail(err, "ov_tensor_create_from_host_ptr", st);
    size_t bytes = 0;
    CALL(err, "ov_tensor_get_byte_size", ov.tensor_bytes(*t, &bytes));
    if (bytes != len * sizeof(float)) {
        set_msg(err, "the model's %s is not float32 (%zu bytes for %zu values)", what, bytes, len);
        return -1;
    }
    *n = len;
    return 0;
}

static int compile(ovs_model* m, const void* data, size_t len, const char* path, const char* device,
                   int threads, ovs_error* err) {
    ov_model_t* model = NULL;
    if (data) {
        if (!ov.read_model_buffer) {
            set_msg(err, "this OpenVINO cannot read a model from memory");
            return -1;
        }
        CALL(err, "ov_core_read_model_from_memory_buffer",
             ov.read_model_buffer(ov.core, (const char*)data, len, NULL, &model));
    } else {
        CALL(err, "ov_core_read_model", ov.read_model(ov.core, path, NULL, &model));
    }
    // Properties are string pairs. The CPU is held to f32: on CPUs with bf16
    // units OpenVINO would otherwise lower the precision by default.
    const char* p[6];
    size_t np = 0;
    char nt[16];
    p[np++] = "PERFORMANCE_HINT";
    p[np++] = "LATENCY";
    if (strncmp(device, "CPU", 3) == 0) {
        p[np++] = "INFERENCE_PRECISION_HINT";
        p[np++] = "f32";
    }
    if (threads > 0) {
        snprintf(nt, sizeof nt, "%d", threads);
        p[np++] = "INFERENCE_NUM_THREADS";
        p[np++] = nt;
    }
    ov_status_e st;
    switch (np) {
    case 2:
        st = ov.compile_model(ov.core, model, device, np, &m->compiled, p[0], p[1]);
        break;
    case 4:
        st = ov.compile_model(ov.core, model, device, np, &m->compiled, p[0], p[1], p[2], p[3]);
        break;
    default:
        st = ov.compile_model(ov.core, model, device, np, &m->compiled, p[0], p[1], p[2], p[3], p[4], p[5]);
    }
    ov.model_free(model);
    if (st != 0) return fail(err, "ov_core_compile_model", st);
    return 0;
}

int ovs_model_create(const void* data, size_t len, const char* path, const char* device, int threads,
                     ovs_model** out, ovs_error* err) {
    if (!ov.core) {
        set_msg(err, "OpenVINO is not loaded");
        return -1;
    }
    ovs_model* m = calloc(1, sizeof *m);
    if (!m) {
        set_msg(err, "out of memory");
        return -1;
    }
    ov_output_const_port_t* port = NULL;
    if (compile(m, data, len, path, device, threads, err) != 0) goto bad;
    ov_status_e st = ov.compiled_input(m->compiled, &port);
    if (st != 0) {
        fail(err, "ov_compiled_model_input", st);
        goto bad;
    }
    int rc = port_tensor(port, "input", &m->in_tensor, &m->in, &m->in_len, err);
    ov.port_free(port);
    if (rc != 0) goto bad;
    if ((st = ov.compiled_output(m->compiled, &port)) != 0) {
        fail(err, "ov_compiled_model_output", st);
        goto bad;
    }
    rc = port_tensor(port, "output", &m->out_tensor, &m->out, &m->out_len, err);
    ov.port_free(port);
    if (rc != 0) goto bad;
    if ((st = ov.create_request(m->compiled, &m->request)) != 0) {
        fail(err, "ov_compiled_model_create_infer_request", st);
        goto bad;
    }
    if ((st = ov.set_input(m->request, m->in_tensor)) != 0) {
        fail(err, "ov_infer_request_set_input_tensor", st);
        goto bad;
    }
    if ((st = ov.set_output(m->request, m->out_tensor)) != 0) {
        fail(err, "ov_infer_request_set_output_tensor", st);
        goto bad;
    }
    *out = m;
    return 0;
bad:
    ovs_model_free(m);
    return -1;
}

size_t ovs_model_in_len(const ovs_model* m) { return m->in_len; }
size_t ovs_model_out_len(const ovs_model* m) { return m->out_len; }

int ovs_model_infer(ovs_model* m, const float* in, float* out, ovs_error* err) {
    memcpy(m->in, in, m->in_len * sizeof(float));
    CALL(err, "ov_infer_request_infer", ov.infer(m->request));
    memcpy(out, m->out, m->out_len * sizeof(float));
    return 0;
}

int ovs_model_infer_loop(ovs_model* m, const float* in, float* out, int n, ovs_error* err) {
    for (int i = 0; i < n; i++) {
        if (ovs_model_infer(m, in, out, err) != 0) return -1;
    }
    return 0;
}

void ovs_model_free(ovs_model* m) {
    if (!m) return;
    if (m->request) ov.request_free(m->request);
    if (m->in_tensor) ov.tensor_free(m->in_tensor);
    if (m->out_tensor) ov.tensor_free(m->out_tensor);
    if (m->compiled) ov.compiled_model_free(m->compiled);
    free(m->in);
    free(m->out);
    free(m);
}
