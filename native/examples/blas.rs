//! Raw gemm throughput of each implementation on the training shapes, 1 and 2 threads.
//!
//!   cargo run --release --example blas                      the gemm crate and ffnn's panel kernel
//!   cargo run --release --example blas -- panel             one of them: crate, panel, openblas, mm
//!   FFNN_GEMM_ISA=sse2 cargo run --release --example blas -- panel    the panel on a forced level
//!   cargo run --release --example blas --features openblas,matrixmultiply   adds those two
//!
//! BLAS_CLOCK=cpu times by the process's CPU time instead of the wall clock (Linux): on a machine
//! shared with other work it still measures the kernel's work per CPU-second (what a tile or a
//! block size changes), though not what a second thread gains.
//!
//! matrixmultiply reads its thread count once from MATMUL_NUM_THREADS, so its row is labelled with
//! that variable (run twice for 1 and 2). The math modules are included by path so this binary
//! does not link the Node-API glue.
#[path = "../src/gemm.rs"]
#[allow(dead_code)]
mod gemm;
#[path = "../src/isa.rs"]
#[allow(dead_code, unused_macros, unused_imports)]
mod isa;
#[path = "../src/panel.rs"]
#[allow(dead_code)]
mod panel;
#[path = "../src/real.rs"]
mod real;
#[path = "../src/spin_pool.rs"]
mod spin_pool;

use gemm::Scalar;
use std::time::Instant;

struct Case {
    label: String,
    ta: bool,
    tb: bool,
    m: usize,
    n: usize,
    k: usize,
}

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    let batch = 200;
    for &(fan_in, fan_out) in
        &[(784usize, 32usize), (32, 24), (24, 16), (16, 10), (784, 128), (128, 64), (64, 10), (784, 512), (512, 256), (256, 10)]
    {
        v.push(Case {
            label: format!("fwd  A*W   {batch}x{fan_in} * {fan_in}x{fan_out}"),
            ta: false,
            tb: false,
            m: batch,
            n: fan_out,
            k: fan_in,
        });
        v.push(Case {
            label: format!("grad A^T*D {fan_in}x{batch} * {batch}x{fan_out}"),
            ta: true,
            tb: false,
            m: fan_in,
            n: fan_out,
            k: batch,
        });
        v.push(Case {
            label: format!("back D*W^T {batch}x{fan_out} * {fan_out}x{fan_in}"),
            ta: false,
            tb: true,
            m: batch,
            n: fan_in,
            k: fan_out,
        });
    }
    v.push(Case { label: "square     1024x1024 * 1024x1024".into(), ta: false, tb: false, m: 1024, n: 1024, k: 1024 });
    v
}

fn fill<T: real::Real>(len: usize, seed: u64) -> Vec<T> {
    let mut s = seed;
    (0..len)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            T::from_f64(((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5)
        })
        .collect()
}

#[cfg(target_os = "linux")]
fn cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: a valid clock id and a pointer to a timespec-shaped struct
    unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

/// Seconds since `t0` on the chosen clock: the wall clock, or with BLAS_CLOCK=cpu the process's CPU time.
fn elapsed(t0: (Instant, f64)) -> f64 {
    #[cfg(target_os = "linux")]
    if std::env::var("BLAS_CLOCK").as_deref() == Ok("cpu") {
        return cpu_seconds() - t0.1;
    }
    t0.0.elapsed().as_secs_f64()
}

fn start() -> (Instant, f64) {
    #[cfg(target_os = "linux")]
    return (Instant::now(), cpu_seconds());
    #[cfg(not(target_os = "linux"))]
    (Instant::now(), 0.0)
}

/// Best-of-several GFLOP/s, each sample running the product long enough (~40 ms) to time.
fn measure<T: Scalar>(c: &Case, mut f: impl FnMut(&[T], &[T], &mut [T])) -> f64 {
    let a = fill::<T>(c.m * c.k, 1);
    let b = fill::<T>(c.k * c.n, 2);
    let mut out = fill::<T>(c.m * c.n, 3);
    let flops = 2.0 * (c.m * c.n * c.k) as f64;
    f(&a, &b, &mut out);
    let t0 = start();
    let mut reps = 0usize;
    while elapsed(t0) < 0.03 {
        f(&a, &b, &mut out);
        reps += 1;
    }
    let reps = reps.max(1);
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = start();
        for _ in 0..reps {
            f(&a, &b, &mut out);
        }
        best = best.min(elapsed(t) / reps as f64);
    }
    flops / best / 1e9
}

fn run<T: Scalar>(only: &str, filter: &str) {
    let mm_threads = std::env::var("MATMUL_NUM_THREADS").unwrap_or_else(|_| "default".into());
    for c in cases().into_iter().filter(|c| c.label.contains(filter)) {
        let mut row = format!("{:<8} {:<36}", T::DTYPE, c.label);
        let (ta, tb, m, n, k) = (c.ta, c.tb, c.m, c.n, c.k);
        #[cfg(feature = "openblas")]
        if only.is_empty() || only == "openblas" {
            for t in [1, 2] {
                let g = measure::<T>(&c, |a, b, o| T::openblas(ta, tb, m, n, k, T::from_f64(1.0), a, b, T::from_f64(0.0), o, t));
                row += &format!(" openblas/t{t} {g:7.2}");
            }
        }
        if only.is_empty() || only == "crate" {
            for t in [1, 2] {
                let g = measure::<T>(&c, |a, b, o| T::gemm_crate(ta, tb, m, n, k, T::from_f64(1.0), a, b, T::from_f64(0.0), o, t));
                row += &format!(" crate/t{t} {g:7.2}");
            }
        }
        if only.is_empty() || only == "panel" {
            for t in [1, 2] {
                let g = measure::<T>(&c, |a, b, o| gemm::panel_gemm(ta, tb, m, n, k, T::from_f64(1.0), a, b, T::from_f64(0.0), o, t));
                row += &format!(" panel-{}/t{t} {g:7.2}", isa::active().name());
            }
        }
        #[cfg(feature = "matrixmultiply")]
        if only.is_empty() || only == "mm" {
            let g = measure::<T>(&c, |a, b, o| T::matrixmultiply(ta, tb, m, n, k, T::from_f64(1.0), a, b, T::from_f64(0.0), o));
            row += &format!(" mm/t{mm_threads} {g:7.2}");
        }
        let _ = (ta, tb, m, n, k, &mm_threads);
        println!("{row}");
    }
}

fn main() {
    let only = std::env::args().nth(1).unwrap_or_default();
    let only = if only == "all" { String::new() } else { only };
    // a second argument keeps the cases whose label contains it, e.g. "x10 " for the output layer
    let filter = std::env::args().nth(2).unwrap_or_default();
    println!("GFLOP/s (2mnk / best time), batch 200; t1/t2 = threads; {}", gemm::describe());
    run::<f64>(&only, &filter);
    run::<f32>(&only, &filter);
}
