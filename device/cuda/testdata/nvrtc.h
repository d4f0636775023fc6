// What NVRTC declares by itself and clang's CUDA mode does not without the
// CUDA headers: enough to compile kernels.cu to PTX with clang -nocudainc.
#include "__clang_cuda_builtin_vars.h"
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
__device__ float expf(float);
__device__ float fmaxf(float, float);
__device__ float __int_as_float(int);
