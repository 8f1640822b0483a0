# The fuzz targets (fuzz/NAME_fuzz.cpp, fuzz_target.hpp), named once: built as libFuzzer programs
# srlif_fuzz_NAME under -DSRLIF_FUZZ=ON (fuzz/CMakeLists.txt; scripts/fuzz.sh runs them), and into
# the test suite in every build, where FuzzCorpus.* replays fuzz/corpus/NAME and
# fuzz/regressions/NAME through them.
set(SRLIF_FUZZ_TARGETS axis config tallies state shards)
