//go:build cgo

// A compiled network: one context, the kernels module, device buffers and
// the list of kernel launches of one forward pass.
#include "shim.h"
#include "cu.h"

#include <stdlib.h>
#include <string.h>

int cks_msg(cks_error* err, const char* fmt, ...);
int cks_cu(cks_error* err, const char* call, CUresult r);

enum { MAX_BUFS = 256, MAX_STEPS = 64, BLOCK = 128 };

// Kernel names, indexed by CKS_* op.
static const char* kernel_names[] = {NULL, "conv", "relu", "maxpool", "dense", "softmax"};

typedef struct {
    int op, in, out, w, b;
    int dims[5];
    size_t threads;
} step;

struct cks_model {
    CUcontext ctx;
    CUmodule mod;
    CUfunction fn[6];
    CUdeviceptr buf[MAX_BUFS];
    size_t len[MAX_BUFS];
    int nbuf;
    step steps[MAX_STEPS];
    int nsteps;
};

// push makes m's context current on this thread for one shim call; cgo
// may run the next call on another thread.
static int push(cks_model* m, cks_error* err) {
    CUresult r = cu.ctx_push(m->ctx);
    return r ? cks_cu(err, "cuCtxPushCurrent", r) : 0;
}

static void pop(void) {
    CUcontext c;
    cu.ctx_pop(&c);
}

int cks_model_create(int ordinal, const char* ptx, cks_model** out, cks_error* err) {
    if (!cu.lib) return cks_msg(err, "the CUDA driver is not loaded");
    cks_model* m = calloc(1, sizeof *m);
    if (!m) return cks_msg(err, "out of memory");
    CUdevice d;
    CUresult r;
    if ((r = cu.device_get(&d, ordinal))) {
        free(m);
        return cks_cu(err, "cuDeviceGet", r);
    }
    if ((r = cu.ctx_create(&m->ctx, 0, d))) {
        free(m);
        return cks_cu(err, "cuCtxCreate", r);
    }
    // cuCtxCreate left the context current; the loading below uses it.
    if ((r = cu.module_load_data(&m->mod, ptx))) {
        cks_cu(err, "cuModuleLoadData", r);
        goto bad;
    }
    for (int op = CKS_CONV; op <= CKS_SOFTMAX; op++) {
        if ((r = cu.module_function(&m->fn[op], m->mod, kernel_names[op]))) {
            cks_cu(err, "cuModuleGetFunction", r);
            goto bad;
        }
    }
    pop();
    *out = m;
    return 0;
bad:
    pop();
    cks_model_free(m);
    return -1;
}

int cks_model_buffer(cks_model* m, const float* host, size_t n, int* buf, cks_error* err) {
    if (m->nbuf == MAX_BUFS) return cks_msg(err, "more than %d buffers", MAX_BUFS);
    if (n == 0) return cks_msg(err, "empty buffer");
    if (push(m, err)) return -1;
    CUdeviceptr p = 0;
    CUresult r = cu.mem_alloc(&p, n * sizeof(float));
    if (r) {
        pop();
        return cks_cu(err, "cuMemAlloc", r);
    }
    m->buf[m->nbuf] = p;
    m->len[m->nbuf] = n;
    *buf = m->nbuf++;
    if (host && (r = cu.htod(p, host, n * sizeof(float)))) {
        pop();
        return cks_cu(err, "cuMemcpyHtoD", r);
    }
    pop();
    return 0;
}

static int valid(cks_model* m, int b, int optional) {
    return (optional && b == -1) || (b >= 0 && b < m->nbuf);
}

int cks_model_step(cks_model* m, int op, int in, int out, int w, int b, const int dims[5],
                   size_t threads, cks_error* err) {
    if (op < CKS_CONV || op > CKS_SOFTMAX) return cks_msg(err, "unknown op %d", op);
    if (m->nsteps == MAX_STEPS) return cks_msg(err, "more than %d steps", MAX_STEPS);
    if (!valid(m, in, 0) || !valid(m, out, 0) || !valid(m, w, 1) || !valid(m, b, 1))
        return cks_msg(err, "step %d: buffer index out of range", m->nsteps);
    if (threads == 0) return cks_msg(err, "step %d: no threads", m->nsteps);
    step* s = &m->steps[m->nsteps++];
    s->op = op;
    s->in = in;
    s->out = out;
    s->w = w;
    s->b = b;
    memcpy(s->dims, dims, sizeof s->dims);
    s->threads = threads;
    return 0;
}

static int launch(cks_model* m, const step* s, cks_error* err) {
    CUdeviceptr in = m->buf[s->in], out = m->buf[s->out];
    CUdeviceptr w = s->w >= 0 ? m->buf[s->w] : 0, b = s->b >= 0 ? m->buf[s->b] : 0;
    int c = s->dims[0], h = s->dims[1], wd = s->dims[2], f = s->dims[3], k = s->dims[4];
    int n = c * h * wd;
    void* conv[] = {&in, &w, &b, &out, &c, &h, &wd, &f, &k};
    void* relu[] = {&in, &out, &n};
    void* pool[] = {&in, &out, &c, &h, &wd, &k};
    void* dense[] = {&in, &w, &b, &out, &n, &f};
    void* soft[] = {&in, &out, &n};
    void** args[] = {NULL, conv, relu, pool, dense, soft};
    unsigned int grid = (unsigned int)((s->threads + BLOCK - 1) / BLOCK);
    CUresult r = cu.launch(m->fn[s->op], grid, 1, 1, BLOCK, 1, 1, 0, NULL, args[s->op], NULL);
    return r ? cks_cu(err, "cuLaunchKernel", r) : 0;
}

int cks_model_run(cks_model* m, const float* in, size_t n_in, float* out, size_t n_out,
                  cks_error* err) {
    if (m->nsteps == 0) return cks_msg(err, "no steps");
    int last = m->steps[m->nsteps - 1].out;
    if (n_in != m->len[0] || n_out != m->len[last])
        return cks_msg(err, "run with %zu in and %zu out values, the network has %zu and %zu",
                       n_in, n_out, m->len[0], m->len[last]);
    if (push(m, err)) return -1;
    CUresult r = cu.htod(m->buf[0], in, n_in * sizeof(float));
    if (r) {
        pop();
        return cks_cu(err, "cuMemcpyHtoD", r);
    }
    for (int i = 0; i < m->nsteps; i++) {
        if (launch(m, &m->steps[i], err)) {
            pop();
            return -1;
        }
    }
    // cuMemcpyDtoH waits for the launches; a failed kernel shows up here.
    if ((r = cu.dtoh(out, m->buf[last], n_out * sizeof(float)))) {
        pop();
        return cks_cu(err, "cuMemcpyDtoH", r);
    }
    pop();
    return 0;
}

int cks_model_run_loop(cks_model* m, const float* in, size_t n_in, float* out, size_t n_out,
                       int n, cks_error* err) {
    for (int i = 0; i < n; i++) {
        if (cks_model_run(m, in, n_in, out, n_out, err)) return -1;
    }
    return 0;
}

void cks_model_free(cks_model* m) {
    if (!m) return;
    if (m->ctx) {
        CUcontext c;
        cu.ctx_push(m->ctx);
        for (int i = 0; i < m->nbuf; i++) cu.mem_free(m->buf[i]);
        if (m->mod) cu.module_unload(m->mod);
        cu.ctx_pop(&c);
        cu.ctx_destroy(m->ctx);
    }
    free(m);
}
