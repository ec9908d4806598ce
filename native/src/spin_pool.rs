//! The threads ffnn's own kernels run on: one helper thread per extra core, each spinning on its
//! job slot for a while after its last job before it sleeps.
//!
//! Why not rayon's pool (which the gemm crate still uses): a training batch is a string of
//! products of 0.1-1 ms each, with a little JS between them. A rayon worker sleeps as soon as it
//! finds no work, and waking a sleeping thread on a virtual machine means waking an idle vCPU:
//! measured here, two threads then trained the 784-32-24-16-10 and 784-128-64-10 nets slower than
//! one. OpenBLAS keeps its threads spinning between calls for the same reason. Here a helper
//! spins for SPIN before it parks, so within a batch every product finds it awake; a training run
//! that stops lets it sleep again within a millisecond. And a helper that is not there in time
//! (asleep after a pause, or its vCPU lent to another thread: on two vCPUs the runtime's own GC and
//! JIT threads compete for them) does not hold the product up: when the caller has finished its
//! own part and the helper has not started its one, the caller takes it and runs it itself.
//!
//! One caller at a time: a second thread calling while the helpers are busy (two fits in two JS
//! workers) runs its parts on its own thread instead of waiting.

use std::cell::UnsafeCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, TryLockError};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// How long a helper spins after its last job before it parks.
const SPIN: Duration = Duration::from_millis(1);

/// A job as a helper sees it: the caller's closure with its lifetime erased, and the part to run.
/// A helper reads it only after claiming its generation (`taken`), and the caller waits for every
/// helper that claimed one to finish before it returns, so the closure outlives its use.
type Job = (*const (dyn Fn(usize) + Sync), usize);

struct Slot {
    /// the job of generation `posted`; written by the caller before it bumps `posted`
    job: UnsafeCell<Option<Job>>,
    posted: AtomicU64,
    /// the last generation whose job someone took: the helper, or the caller when the helper had
    /// not started it by the time the caller finished its own part (a compare-exchange from the
    /// generation before decides who; the other leaves the job alone)
    taken: AtomicU64,
    finished: AtomicU64,
    /// the helper is parked (or about to): the caller must unpark it
    sleeping: AtomicBool,
    /// a panic in the job, re-raised on the caller
    panicked: AtomicBool,
    thread: OnceLock<Thread>,
}

// SAFETY: `job` is written only by the caller holding `Pool::busy`, before a Release store to
// `posted`, and read by the helper after an Acquire load of it; the closure it points to is Sync.
unsafe impl Sync for Slot {}
unsafe impl Send for Slot {}

pub struct Pool {
    slots: Vec<Arc<Slot>>,
    busy: Mutex<()>,
    /// helpers' parts the caller took because they had not started them (for the tests)
    #[cfg(test)]
    taken_by_caller: AtomicU64,
}

impl Pool {
    /// A pool with `helpers` threads (so `helpers + 1` parts run at once, the caller's included).
    pub fn new(helpers: usize) -> Pool {
        let slots: Vec<Arc<Slot>> = (0..helpers)
            .map(|_| {
                Arc::new(Slot {
                    job: UnsafeCell::new(None),
                    posted: AtomicU64::new(0),
                    taken: AtomicU64::new(0),
                    finished: AtomicU64::new(0),
                    sleeping: AtomicBool::new(false),
                    panicked: AtomicBool::new(false),
                    thread: OnceLock::new(),
                })
            })
            .collect();
        for (i, slot) in slots.iter().enumerate() {
            let slot = Arc::clone(slot);
            let handle = thread::Builder::new()
                .name(format!("ffnn-kernel-{}", i + 1))
                .spawn(move || helper(&slot))
                .expect("ffnn: cannot start a kernel thread");
            let _ = slots[i].thread.set(handle.thread().clone());
        }
        Pool {
            slots,
            busy: Mutex::new(()),
            #[cfg(test)]
            taken_by_caller: AtomicU64::new(0),
        }
    }

    /// Runs f(0), ..., f(parts - 1): part 0 on the calling thread, the others on the helpers (more
    /// parts than threads: the caller runs the rest), and returns when all are done. A helper that
    /// has not started its part when the caller is done with its own (asleep, or its vCPU taken by
    /// the host or another thread) loses it to the caller, which runs it itself instead of waiting:
    /// a product then takes one thread's time, never that plus a wake-up. Who runs a part does
    /// not change its numbers.
    pub fn run(&self, parts: usize, f: &(dyn Fn(usize) + Sync)) {
        if parts <= 1 || self.slots.is_empty() {
            (0..parts).for_each(f);
            return;
        }
        let _guard = match self.busy.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            // another caller has the helpers: do the work here rather than wait for them
            Err(TryLockError::WouldBlock) => {
                (0..parts).for_each(f);
                return;
            }
        };
        let used = (parts - 1).min(self.slots.len());
        // SAFETY: the lifetime is erased only until every helper that takes its part has finished
        // it (below); a helper that finds its part taken by the caller never reads the job.
        let erased: *const (dyn Fn(usize) + Sync) = unsafe { std::mem::transmute(f) };
        for (i, slot) in self.slots[..used].iter().enumerate() {
            // SAFETY: this helper finished its last job or never took it (see below), so it does
            // not read the slot until it takes a newer generation.
            unsafe { *slot.job.get() = Some((erased, i + 1)) };
            // SeqCst with the helper's store of `sleeping` and load of `posted`: one of the two
            // sees the other, so a helper never parks on a posted job
            slot.posted.fetch_add(1, Ordering::SeqCst);
            if slot.sleeping.load(Ordering::SeqCst) {
                slot.thread.get().expect("started").unpark();
            }
        }
        (0..parts).filter(|&p| p == 0 || p > used).for_each(f);
        let mut panicked = false;
        for (i, slot) in self.slots[..used].iter().enumerate() {
            let want = slot.posted.load(Ordering::Relaxed);
            if slot.taken.compare_exchange(want - 1, want, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                // the helper had not started: its part runs here, and it will skip this job
                #[cfg(test)]
                self.taken_by_caller.fetch_add(1, Ordering::Relaxed);
                f(i + 1);
                continue;
            }
            let mut spins = 0u32;
            while slot.finished.load(Ordering::Acquire) != want {
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(1024) {
                    thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
            panicked |= slot.panicked.swap(false, Ordering::Relaxed);
        }
        if panicked {
            panic!("ffnn: a kernel thread panicked");
        }
    }
}

fn helper(slot: &Slot) {
    let mut seen = 0u64;
    loop {
        let mut idle_since = Instant::now();
        let mut spins = 0u32;
        let gen = loop {
            let gen = slot.posted.load(Ordering::Acquire);
            if gen != seen {
                break gen;
            }
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(256) && idle_since.elapsed() >= SPIN {
                slot.sleeping.store(true, Ordering::SeqCst);
                // a job posted between the check above and this one is seen here, not lost
                if slot.posted.load(Ordering::SeqCst) == seen {
                    thread::park();
                }
                slot.sleeping.store(false, Ordering::SeqCst);
                idle_since = Instant::now();
            } else {
                std::hint::spin_loop();
            }
        };
        seen = gen;
        // the caller may have taken this job already (it found the helper late): then leave it
        if slot.taken.compare_exchange(gen - 1, gen, Ordering::AcqRel, Ordering::Acquire).is_err() {
            continue;
        }
        // SAFETY: the caller wrote the job before its Release store of `posted`, read above with
        // Acquire, and does not touch the slot again until `finished` reaches `gen`.
        let (f, part) = unsafe { (*slot.job.get()).expect("a posted job") };
        // SAFETY: the caller keeps the closure alive until `finished` reaches `gen`.
        let result = panic::catch_unwind(AssertUnwindSafe(|| unsafe { (*f)(part) }));
        if result.is_err() {
            slot.panicked.store(true, Ordering::Relaxed);
        }
        slot.finished.store(gen, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::Pool;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Every part runs exactly once per call, whoever runs it: the caller's own part varies in
    /// length so that in some calls the helpers start their parts first and in others the caller
    /// finds them not started and takes them (and the helpers then skip those jobs).
    #[test]
    fn every_part_runs_exactly_once_whoever_takes_it() {
        let (mut helper_parts, mut taken) = (0u64, 0u64);
        for helpers in [1, 3] {
            let pool = Pool::new(helpers);
            for call in 0..20_000u32 {
                let parts = 2 + (call as usize % 4);
                let runs: Vec<AtomicU32> = (0..parts).map(|_| AtomicU32::new(0)).collect();
                pool.run(parts, &|p| {
                    if p == 0 {
                        // a caller that is sometimes quick, sometimes slow
                        for _ in 0..(call % 7) * 50 {
                            std::hint::spin_loop();
                        }
                    }
                    runs[p].fetch_add(1, Ordering::Relaxed);
                });
                for (p, r) in runs.iter().enumerate() {
                    assert_eq!(r.load(Ordering::Relaxed), 1, "call {call}, {helpers} helpers: part {p} of {parts}");
                }
                helper_parts += (parts - 1).min(helpers) as u64;
            }
            taken += pool.taken_by_caller.load(Ordering::Relaxed);
        }
        // both ways a helper's part can go were taken
        assert!(taken > 0 && taken < helper_parts, "{taken} of {helper_parts} helper parts taken by the caller");
    }
}
