// A fuzz target: one reader of outside bytes and the promises it keeps, declared once as
//
//   SRLIF_FUZZ_TARGET(name) { ... the bytes are `bytes`, a std::string_view ... }
//
// and built two ways. With SRLIF_LIBFUZZER (fuzz/CMakeLists.txt, -DSRLIF_FUZZ=ON under Clang) the
// body is libFuzzer's LLVMFuzzerTestOneInput: `bash scripts/fuzz.sh SECONDS` runs each target on
// its corpus under AddressSanitizer and UBSan. Without it the body registers itself with the test
// suite, where FuzzCorpus.* (tests/fuzz_corpus_test.cpp) runs every kept input of
// fuzz/corpus/NAME and fuzz/regressions/NAME through it in every build, GCC's included.
//
// The body returns when the input was read or refused as the rules say (InputError: the message
// names the file and the rule). A broken promise -- any other exception, an accepted value out of
// its range, an accepted file that does not read back -- is `fail`: a FailedPromise that the
// fuzzer reports as a crash (and saves the input) and the test reports with the input's name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace srlif::fuzz {

struct FailedPromise : std::logic_error {
  using std::logic_error::logic_error;
};

[[noreturn]] inline void fail(const std::string& what) { throw FailedPromise(what); }
inline void require(bool kept, const std::string& promise) {
  if (!kept) fail(promise);
}

using Target = void (*)(std::string_view bytes);
struct NamedTarget {
  const char* name;
  Target run;
};
// Every target of the build (the test suite's; a libFuzzer program holds one and registers none).
inline std::vector<NamedTarget>& targets() {
  static std::vector<NamedTarget> all;
  return all;
}
inline bool register_target(const char* name, Target run) {
  targets().push_back({name, run});
  return true;
}

}  // namespace srlif::fuzz

#ifdef SRLIF_LIBFUZZER
#define SRLIF_FUZZ_ENTRY(name)                                                          \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    srlif_fuzz_##name(std::string_view(reinterpret_cast<const char*>(data), size));     \
    return 0;                                                                           \
  }
#else
#define SRLIF_FUZZ_ENTRY(name) \
  [[maybe_unused]] const bool srlif_fuzz_registered_##name = srlif::fuzz::register_target(#name, &srlif_fuzz_##name);
#endif

#define SRLIF_FUZZ_TARGET(name)                      \
  static void srlif_fuzz_##name(std::string_view bytes); \
  SRLIF_FUZZ_ENTRY(name)                             \
  static void srlif_fuzz_##name(std::string_view bytes)
