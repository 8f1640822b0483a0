// The SIMT emulator's scheduler (simt_emulator.hpp): a warp's 32 lanes as Boost.Context fibers on
// one CPU thread, resumed in lane order until each meets the warp or exits; every meeting checked
// and resolved with CUDA's full-mask semantics. Under AddressSanitizer every switch between a lane
// and its warp's scheduler is announced to it (__sanitizer_start_switch_fiber and _finish_), so
// that ASan follows each lane's stack.
#include "simt_emulator.hpp"

#include <omp.h>
#include <sys/mman.h>

#include <array>
#include <atomic>
#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace srlif::simt {
namespace {

namespace context = boost::context;

constexpr int kLanes = 32;
// A lane's stack: the kernel's frame with the sanitizers' redzones fits many times over.
constexpr std::size_t kStackBytes = std::size_t{1} << 20;
constexpr std::size_t kGuardBytes = 4096;  // unmapped below each stack: an overflow faults

// Lane stacks, mapped when a CPU thread first needs them and reused by every warp it runs.
class StackPool {
 public:
  ~StackPool() {
    for (void* base : free_) munmap(base, kGuardBytes + kStackBytes);
  }
  void* take() {
    if (!free_.empty()) {
      void* base = free_.back();
      free_.pop_back();
      return base;
    }
    void* base =
        mmap(nullptr, kGuardBytes + kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    mprotect(base, kGuardBytes, PROT_NONE);
    return base;
  }
  void give_back(void* base) { free_.push_back(base); }

 private:
  std::vector<void*> free_;
};

thread_local StackPool stack_pool;

// A stack's extent, for AddressSanitizer's switch announcements.
struct StackExtent {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

// A switch to the stack `to` begins (`fake`: where ASan keeps the leaving stack's fake frames;
// null when the leaving fiber ends); it has ended, on the stack arrived at (`from`: receives the
// extent of the stack left, when wanted).
void switch_begins([[maybe_unused]] void** fake, [[maybe_unused]] const StackExtent& to) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fake, to.bottom, to.size);
#endif
}
void switch_ended([[maybe_unused]] void* fake, [[maybe_unused]] StackExtent* from) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fake, from != nullptr ? &from->bottom : nullptr,
                                  from != nullptr ? &from->size : nullptr);
#endif
}

// Boost.Context's stack allocator interface over the pool (the stack grows down from sp); it
// notes the stack's extent where `extent` points.
struct PooledStack {
  StackExtent* extent;
  context::stack_context allocate() {
    context::stack_context stack;
    void* const base = stack_pool.take();
    stack.size = kStackBytes;
    stack.sp = static_cast<char*>(base) + kGuardBytes + kStackBytes;
    *extent = StackExtent{static_cast<char*>(base) + kGuardBytes, kStackBytes};
    return stack;
  }
  void deallocate(context::stack_context& stack) noexcept {
    stack_pool.give_back(static_cast<char*>(stack.sp) - kStackBytes - kGuardBytes);
  }
};

enum class LaneStatus : std::uint8_t { ready, met, exited };

struct Lane {
  LaneRegisters registers{};
  context::fiber fiber;         // the lane, while it is suspended
  context::fiber scheduler;     // the warp's scheduler, while the lane runs
  StackExtent stack;            // the lane's own
  StackExtent scheduler_stack;  // the scheduler's (the CPU thread's)
  void* fake_stack = nullptr;   // ASan's, while the lane is suspended
  LaneStatus status = LaneStatus::ready;
  bool abort = false;  // resumed to unwind: the warp has failed
  std::exception_ptr error;
  // Its part of the meeting it waits at.
  Meeting kind = Meeting::vote;
  int width = 0;
  int source = 0;
  std::uint64_t value = 0;
  std::uint64_t result = 0;
};

// Thrown inside a lane resumed to unwind; caught where the lane began.
struct Aborted {};

thread_local Lane* running = nullptr;

const char* meeting_name(Meeting kind) { return kind == Meeting::shuffle ? "shuffle" : "vote"; }

std::string lane_list(const std::vector<int>& lanes) {
  std::string text;
  for (const int lane : lanes) {
    if (!text.empty()) text += ',';
    text += std::to_string(lane);
  }
  return text;
}

class Warp {
 public:
  Warp(unsigned block, int first_thread) : block_(block), warp_(first_thread / kLanes) {
    for (int i = 0; i < kLanes; ++i) lanes_[i].registers = LaneRegisters{block, first_thread + i};
  }

  void run(const std::function<void()>& body) {
    for (Lane& lane : lanes_) {
      lane.fiber = context::fiber(std::allocator_arg, PooledStack{&lane.stack},
                                  [&lane, &body](context::fiber&& scheduler) {
                                    switch_ended(nullptr, &lane.scheduler_stack);
                                    lane.scheduler = std::move(scheduler);
                                    if (!lane.abort) {
                                      try {
                                        body();
                                      } catch (const Aborted&) {
                                      } catch (...) {
                                        lane.error = std::current_exception();
                                      }
                                    }
                                    lane.status = LaneStatus::exited;
                                    switch_begins(nullptr, lane.scheduler_stack);
                                    return std::move(lane.scheduler);
                                  });
    }
    try {
      for (;;) {
        bool waiting = false;
        for (Lane& lane : lanes_) {
          if (lane.status == LaneStatus::exited) continue;
          resume(lane);
          if (lane.error) std::rethrow_exception(lane.error);
          waiting = waiting || lane.status == LaneStatus::met;
        }
        if (!waiting) return;
        resolve();
      }
    } catch (...) {
      unwind();
      throw;
    }
  }

 private:
  void resume(Lane& lane) {
    lane.status = LaneStatus::ready;
    running = &lane;
    void* fake_stack = nullptr;
    switch_begins(&fake_stack, lane.stack);
    lane.fiber = std::move(lane.fiber).resume();
    switch_ended(fake_stack, nullptr);
    running = nullptr;
  }

  // Every lane that has not exited is resumed to unwind its stack.
  void unwind() {
    for (Lane& lane : lanes_) {
      if (lane.status == LaneStatus::exited) continue;
      lane.abort = true;
      resume(lane);
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::logic_error("SIMT emulator, block " + std::to_string(block_) + " warp " +
                           std::to_string(warp_) + ": " + what);
  }

  // All live lanes wait at a meeting: it must be the same one, and a shuffle's sources must be there.
  void resolve() {
    const Lane* first = nullptr;
    std::vector<int> at_first;
    std::vector<int> elsewhere;
    for (int i = 0; i < kLanes; ++i) {
      const Lane& lane = lanes_[i];
      if (lane.status != LaneStatus::met) continue;
      if (first == nullptr) first = &lane;
      const bool same = lane.kind == first->kind && lane.width == first->width;
      (same ? at_first : elsewhere).push_back(i);
    }
    if (!elsewhere.empty()) {
      const Lane& other = lanes_[elsewhere.front()];
      fail("divergent lanes under a full mask: lanes " + lane_list(at_first) + " at a " +
           meeting_name(first->kind) + " of width " + std::to_string(first->width) + ", lanes " +
           lane_list(elsewhere) + " at a " + meeting_name(other.kind) + " of width " +
           std::to_string(other.width));
    }
    if (first->kind == Meeting::vote) {
      bool any = false;
      for (const int i : at_first) any = any || lanes_[i].value != 0;
      for (const int i : at_first) lanes_[i].result = any ? 1 : 0;
      return;
    }
    const int width = first->width;
    if (width < 1 || width > kLanes || (width & (width - 1)) != 0)
      fail("a shuffle of width " + std::to_string(width) + " (a power of two up to 32)");
    for (const int i : at_first) {
      Lane& lane = lanes_[i];
      if (lane.source < 0 || lane.source >= width)
        fail("lane " + std::to_string(i) + " shuffles from lane " + std::to_string(lane.source) +
             " of its segment of " + std::to_string(width));
      const int source = i / width * width + lane.source;
      if (lanes_[source].status != LaneStatus::met)
        fail("lane " + std::to_string(i) + " shuffles from lane " + std::to_string(source) +
             ", which has exited");
      lane.result = lanes_[source].value;
    }
  }

  unsigned block_;
  int warp_;
  std::array<Lane, kLanes> lanes_;
};

}  // namespace

const LaneRegisters& current_lane() {
  if (running == nullptr)
    throw std::logic_error("SIMT emulator: a kernel's built-in register read outside a launch");
  return running->registers;
}

namespace detail {

std::uint64_t meet(Meeting kind, int width, std::uint64_t value, int source) {
  Lane* const lane = running;
  if (lane == nullptr) throw std::logic_error("SIMT emulator: a shuffle or vote outside a launch");
  lane->kind = kind;
  lane->width = width;
  lane->value = value;
  lane->source = source;
  lane->status = LaneStatus::met;
  switch_begins(&lane->fake_stack, lane->scheduler_stack);
  lane->scheduler = std::move(lane->scheduler).resume();
  switch_ended(lane->fake_stack, &lane->scheduler_stack);
  if (lane->abort) throw Aborted{};
  return lane->result;
}

void run_grid(unsigned blocks, int threads, int cpu_threads, const std::function<void()>& body) {
  if (threads <= 0 || threads % kLanes != 0)
    throw std::logic_error("SIMT emulator: " + std::to_string(threads) +
                           " threads per block (whole warps of 32 only)");
  const auto warps_per_block = static_cast<std::int64_t>(threads / kLanes);
  const std::int64_t warps = static_cast<std::int64_t>(blocks) * warps_per_block;
  std::exception_ptr first_error;
  std::atomic<bool> failed{false};
  const int team = cpu_threads > 0 ? cpu_threads : 0;
#pragma omp parallel for schedule(dynamic, 4) if (warps > 1) \
    num_threads(team > 0 ? team : omp_get_max_threads())
  for (std::int64_t w = 0; w < warps; ++w) {
    if (failed.load(std::memory_order_relaxed)) continue;
    try {
      Warp warp(static_cast<unsigned>(w / warps_per_block), static_cast<int>(w % warps_per_block) * kLanes);
      warp.run(body);
    } catch (...) {
#pragma omp critical(srlif_simt_error)
      if (!first_error) first_error = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace detail
}  // namespace srlif::simt
