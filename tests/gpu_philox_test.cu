// On the device: cuRAND's Philox4_32_10 generator equals the shared Philox for
// the counter layout srlif uses, and the shared normal transform gives the same
// bits as on the host. Skips itself without a usable GPU.
#include <cuda_runtime.h>
#include <curand_kernel.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "srlif/physics/normal.hpp"
#include "srlif/physics/philox.hpp"

namespace srlif {
namespace {

struct Draw {
  std::uint64_t seed;
  std::uint64_t stream;
  std::uint64_t block;
};

__global__ void draw_with_curand(const Draw* draws, int count, uint4* words, NormalQuad* normals) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count) return;
  curandStatePhilox4_32_10_t generator;
  curand_init(draws[i].seed, draws[i].stream, 4 * draws[i].block, &generator);
  const uint4 w = curand4(&generator);
  words[i] = w;
  normals[i] = normals_from_block(PhiloxWords{{w.x, w.y, w.z, w.w}});
}

bool gpu_usable() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

TEST(GpuPhilox, CurandDeviceGeneratorAndNormalsMatchHost) {
  if (!gpu_usable()) GTEST_SKIP() << "no usable CUDA device";
  std::vector<Draw> draws;
  for (std::uint64_t seed : {0ULL, 1ULL, 12345ULL, 0xfedcba9876543210ULL}) {
    for (std::uint64_t stream : {0ULL, 1ULL, 999ULL, (1ULL << 32) | 7ULL, ~0ULL}) {
      for (std::uint64_t block : {0ULL, 1ULL, 24999ULL, (1ULL << 33) + 5ULL}) {
        draws.push_back(Draw{seed, stream, block});
      }
    }
  }
  const int count = static_cast<int>(draws.size());
  Draw* device_draws = nullptr;
  uint4* device_words = nullptr;
  NormalQuad* device_normals = nullptr;
  ASSERT_EQ(cudaMalloc(&device_draws, count * sizeof(Draw)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&device_words, count * sizeof(uint4)), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&device_normals, count * sizeof(NormalQuad)), cudaSuccess);
  cudaMemcpy(device_draws, draws.data(), count * sizeof(Draw), cudaMemcpyHostToDevice);
  draw_with_curand<<<(count + 127) / 128, 128>>>(device_draws, count, device_words, device_normals);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  std::vector<uint4> words(count);
  std::vector<NormalQuad> normals(count);
  cudaMemcpy(words.data(), device_words, count * sizeof(uint4), cudaMemcpyDeviceToHost);
  cudaMemcpy(normals.data(), device_normals, count * sizeof(NormalQuad), cudaMemcpyDeviceToHost);
  cudaFree(device_draws);
  cudaFree(device_words);
  cudaFree(device_normals);

  for (int i = 0; i < count; ++i) {
    const PhiloxWords host = philox4x32_10(draws[i].seed, draws[i].stream, draws[i].block);
    EXPECT_EQ(words[i].x, host.word[0]) << i;
    EXPECT_EQ(words[i].y, host.word[1]) << i;
    EXPECT_EQ(words[i].z, host.word[2]) << i;
    EXPECT_EQ(words[i].w, host.word[3]) << i;
    const NormalQuad host_normals = normals_from_block(host);
    EXPECT_EQ(std::memcmp(&host_normals, &normals[i], sizeof(NormalQuad)), 0) << i;
  }
}

}  // namespace
}  // namespace srlif
