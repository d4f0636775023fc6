// The full CNN's layers as CUDA C kernels, compiled at run time by NVRTC
// for the device found. One thread computes one output value; the layouts
// are those of engine/nn: CHW tensors, conv weights FxCxKxK, dense weights
// row-major (units x inputs). Naive on purpose: the network is small and
// these are the reference for faster kernels.

// Valid (unpadded) KxK convolution with stride 1 and a bias per filter.
extern "C" __global__ void conv(const float* in, const float* w, const float* b, float* out,
                                int C, int H, int W, int F, int K) {
    int oh = H - K + 1, ow = W - K + 1;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= F * oh * ow) return;
    int x = i % ow, y = (i / ow) % oh, f = i / (ow * oh);
    float s = b[f];
    for (int c = 0; c < C; c++) {
        const float* wp = w + (f * C + c) * K * K;
        const float* ip = in + (c * H + y) * W + x;
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) s += wp[ky * K + kx] * ip[ky * W + kx];
    }
    out[i] = s;
}

extern "C" __global__ void relu(const float* in, float* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

// Non-overlapping KxK max pooling; the remainder rows and columns are
// dropped, and a NaN in a window makes its result NaN (as engine/nn does).
extern "C" __global__ void maxpool(const float* in, float* out, int C, int H, int W, int K) {
    int oh = H / K, ow = W / K;
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= C * oh * ow) return;
    int x = i % ow, y = (i / ow) % oh, c = i / (ow * oh);
    float m = -__int_as_float(0x7f800000);
    for (int ky = 0; ky < K; ky++)
        for (int kx = 0; kx < K; kx++) {
            float v = in[(c * H + y * K + ky) * W + x * K + kx];
            if (v > m || v != v) m = v;
        }
    out[i] = m;
}

// out = W in + b for n inputs and F units.
extern "C" __global__ void dense(const float* in, const float* w, const float* b, float* out,
                                 int n, int F) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= F) return;
    const float* wp = w + j * n; // fits an int: nn limits a matrix to 2^26 values
    float s = b[j];
    for (int p = 0; p < n; p++) s += wp[p] * in[p];
    out[j] = s;
}

// Softmax of n values by one thread, shifted by the maximum.
extern "C" __global__ void softmax(const float* in, float* out, int n) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    float m = in[0];
    for (int i = 1; i < n; i++) m = fmaxf(m, in[i]);
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        out[i] = expf(in[i] - m);
        sum += out[i];
    }
    for (int i = 0; i < n; i++) out[i] /= sum;
}
