// The CUDA build's architecture list and CUDA's compatibility rules (kernels/cuda_architectures.hpp):
// what `srlif info` says a GPU runs.
#include "kernels/cuda_architectures.hpp"

#include <gtest/gtest.h>

namespace srlif {
namespace {

TEST(CudaArchitectures, TheListAsSassAndPtx) {
  EXPECT_EQ(describe_cuda_architectures("80-real;90"), "sm_80 SASS, sm_90 SASS + compute_90 PTX");
  EXPECT_EQ(describe_cuda_architectures("90-virtual"), "compute_90 PTX");
  EXPECT_EQ(describe_cuda_architectures("native"), "'native'");
  const std::vector<CudaArchitecture> list = parse_cuda_architectures("75-real;80;120-virtual");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_TRUE(list[0].sass && !list[0].ptx);
  EXPECT_TRUE(list[1].sass && list[1].ptx);
  EXPECT_TRUE(!list[2].sass && list[2].ptx && list[2].version == 120);
}

TEST(CudaArchitectures, WhichGpusTheDefaultRuns) {
  const std::string defaults = "80-real;90";
  EXPECT_EQ(cuda_device_runs(defaults, 8, 0), "sm_80 SASS");                               // A100
  EXPECT_EQ(cuda_device_runs(defaults, 8, 6), "sm_80 SASS");                               // A10, RTX 30
  EXPECT_EQ(cuda_device_runs(defaults, 8, 9), "sm_80 SASS");                               // L4, RTX 40
  EXPECT_EQ(cuda_device_runs(defaults, 9, 0), "sm_90 SASS");                               // H100, H200
  EXPECT_EQ(cuda_device_runs(defaults, 10, 0), "compute_90 PTX, compiled by the driver");  // B200
  EXPECT_EQ(cuda_device_runs(defaults, 12, 0), "compute_90 PTX, compiled by the driver");  // RTX 50
  EXPECT_NE(cuda_device_runs(defaults, 7, 5).find("cannot"), std::string::npos);           // T4
  EXPECT_NE(cuda_device_runs("90-real", 10, 0).find("cannot"), std::string::npos);  // SASS is not forward
  EXPECT_EQ(cuda_device_runs("native", 9, 0), "as built for 'native'");
}

}  // namespace
}  // namespace srlif
