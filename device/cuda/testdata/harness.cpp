// Runs kernels.cu on the CPU: every block and thread of a launch in turn.
// Reads a plan (buffers and steps, as plan.go lays them out) on stdin and
// prints the last step's output. Used by kernels_cpu_test.go to check the
// CUDA source itself, not a port of it, against the Go engine.
#include <cmath>
#include <math.h>
#include <cstdio>
#include <cstring>
#include <vector>

struct dim3v { unsigned x, y, z; };
static dim3v threadIdx, blockIdx, blockDim;
#define __global__
static float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
}
#include "../kernels.cu"

int main() {
    int nbuf;
    if (std::scanf("%d", &nbuf) != 1) return 2;
    std::vector<std::vector<float>> buf(nbuf);
    for (auto& b : buf) {
        int n, host;
        if (std::scanf("%d %d", &n, &host) != 2) return 2;
        b.assign(n, NAN); // unset device memory shows up as NaN
        for (int i = 0; host && i < n; i++)
            if (std::scanf("%f", &b[i]) != 1) return 2;
    }
    int nsteps, last = 0;
    if (std::scanf("%d", &nsteps) != 1) return 2;
    for (int s = 0; s < nsteps; s++) {
        int op, in, out, w, b, d[5], threads;
        if (std::scanf("%d %d %d %d %d %d %d %d %d %d %d", &op, &in, &out, &w, &b, &d[0], &d[1], &d[2],
                       &d[3], &d[4], &threads) != 11)
            return 2;
        const unsigned block = 128, grid = (threads + block - 1) / block;
        blockDim = {block, 1, 1};
        const float* x = buf[in].data();
        float* y = buf[out].data();
        const float* wp = w >= 0 ? buf[w].data() : nullptr;
        const float* bp = b >= 0 ? buf[b].data() : nullptr;
        int n = d[0] * d[1] * d[2];
        for (blockIdx = {0, 0, 0}; blockIdx.x < grid; blockIdx.x++)
            for (threadIdx = {0, 0, 0}; threadIdx.x < block; threadIdx.x++) switch (op) {
                case 1: conv(x, wp, bp, y, d[0], d[1], d[2], d[3], d[4]); break;
                case 2: relu(x, y, n); break;
                case 3: maxpool(x, y, d[0], d[1], d[2], d[4]); break;
                case 4: dense(x, wp, bp, y, n, d[3]); break;
                case 5: softmax(x, y, n); break;
                default: return 3;
                }
        last = out;
    }
    for (float v : buf[last]) std::printf("%.9g\n", v);
    return 0;
}
