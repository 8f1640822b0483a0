// Whether this CPU runs the CPU kernels' AVX2 copies: x86-64-v3 (AVX2, FMA, BMI1/2, F16C, LZCNT,
// MOVBE), what their target attribute compiles for. One test for the kernel table and for the
// build's check of its own machine (CMakeLists.txt, the sanitized build), for GCC and Clang alike.
#pragma once

namespace srlif::cpu {

inline bool cpu_runs_x86_64_v3() {
#if defined(__clang__)
  // Clang (14) knows no level's name, nor F16C, LZCNT or MOVBE: the rest, one by one. (Every
  // x86 CPU with AVX2, FMA and BMI2 has those three: Intel from Haswell, AMD from Excavator.)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
#else
  return __builtin_cpu_supports("x86-64-v3") != 0;
#endif
}

}  // namespace srlif::cpu
