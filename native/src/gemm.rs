//! General matrix multiply over row-major slices:
//!   C (m x n) = alpha * op(A) * op(B) + beta * C
//! with A stored m x k (k x m when trans_a), B stored k x n (n x k when trans_b).
//!
//! Two kernels, both chosen at run time for the CPU (isa.rs), no BLAS linked by default:
//! - ffnn's blocked panel kernel (panel.rs): on AVX-512 every product but the thin weight
//!   gradients (measured faster than the crate there, native/bench/README.md); elsewhere the thin
//!   products (the output layer, n = 10, and the small layers: see on_panel); and every product
//!   when a lower instruction set is forced or when the CPU has none of the crate's SIMD levels (an
//!   SSE2-only x86-64 gets the panel's SSE2 path, not the crate's scalar one);
//! - the `gemm` crate (gemm-f64 / gemm-f32; AVX-512, AVX2+FMA or NEON kernels) for the rest: the
//!   large products on AVX2 and NEON, where the panel has not been measured against it on real
//!   hardware, and the thin weight gradients A^T D (n <= PANEL_MAX_N) everywhere it has a level:
//!   the panel's vectors run along n, 10 of 16 lanes busy, where the crate's run along m.
//!
//! With the opt-in cargo feature `openblas`, OpenBLAS takes the crate's place.
//!
//! Threads: a product with fewer than PARALLEL_MIN_FLOPS multiply-adds runs on the calling thread;
//! a larger one on `max_threads()` threads of one rayon pool of ours (sized to the cores, created at
//! the first parallel product), never more. Callers have already checked lengths; this module only
//! does arithmetic. beta = 0 overwrites C without reading it (NaN in C is ignored), and alpha = 0
//! or k = 0 only scales C, as in js.ts.

use crate::isa::{self, Isa};
use crate::panel;
use crate::real::Real;
use crate::spin_pool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

#[cfg(feature = "openblas")]
extern crate openblas_src;

/// Products with fewer multiply-adds than this run on one thread: below it, handing half to a
/// second thread costs more than it saves. Measured on an AMD EPYC (Zen 5, 2 vCPUs): the
/// 784-32-24-16-10 net's first-layer products (200 x 784 x 32 = 5.0M) ran at 89-99 GFLOP/s on
/// two threads against 81-92 on one, and its epoch was 5-19% faster (medians of 4-6 paired
/// runs, f64 and f32) with them on one thread (2^24 = 16.8M) than with the earlier 2^22; the
/// 784-128 products (20M) and larger still gain from two (784x128 weight gradient: 80 -> 137).
pub const PARALLEL_MIN_FLOPS: usize = 1 << 24;

/// Thin products: n <= PANEL_MAX_N columns (the forward pass of the small layers and of the
/// output layer) or a sum over k <= PANEL_MAX_N terms (their deltas D W^T). Measured on the
/// training shapes, see native/bench/README.md.
pub const PANEL_MAX_N: usize = 32;

/// Whether the panel kernel computes this product (else the crate or OpenBLAS, `large`).
fn on_panel(active: Isa, large: Large, ta: bool, n: usize, k: usize) -> bool {
    let thin = n <= PANEL_MAX_N || k <= PANEL_MAX_N;
    match (route(), large) {
        // a forced level, or no crate level on this CPU: the panel takes everything
        (_, Large::Panel) if active != isa::detected() || !crate_has(active) => true,
        (Route::Panel, _) => true,
        (Route::Crate, _) => false,
        // the panel leads (AVX-512): all but the thin weight gradients
        (Route::Auto, Large::Panel) => !(ta && n <= PANEL_MAX_N),
        // the crate or OpenBLAS leads: the panel takes the thin products it wins
        (Route::Auto, _) => !ta && thin,
    }
}

/// Which kernel takes which product: `auto` (thin ones to the panel, the rest to the crate, as
/// measured), or every product to one of them, to compare the two on whole training runs:
/// `FFNN_GEMM_ROUTE=panel|crate` in the environment (read once, at the first product).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Auto = 1,
    Panel = 2,
    Crate = 3,
}

pub fn route() -> Route {
    static ROUTE: OnceLock<Route> = OnceLock::new();
    *ROUTE.get_or_init(|| match std::env::var("FFNN_GEMM_ROUTE").as_deref().map(str::trim) {
        Ok("panel") => Route::Panel,
        Ok("crate") => Route::Crate,
        _ => Route::Auto,
    })
}

/// 0 means "all available cores" (resolved lazily).
static MAX_THREADS: AtomicUsize = AtomicUsize::new(0);

pub fn available_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Caps the number of threads gemm may use (0 restores the default: all cores). Never above the
/// cores: more threads than cores only take turns.
pub fn set_max_threads(n: usize) {
    MAX_THREADS.store(n.min(available_cores()), Ordering::Relaxed);
}

pub fn max_threads() -> usize {
    match MAX_THREADS.load(Ordering::Relaxed) {
        0 => available_cores(),
        n => n,
    }
}

/// Threads for one product: one below the threshold, else the cap.
pub fn threads_for(m: usize, n: usize, k: usize) -> usize {
    if m.saturating_mul(n).saturating_mul(k) < PARALLEL_MIN_FLOPS {
        1
    } else {
        max_threads()
    }
}

/// Elementwise kernels over at least this many values are split between `max_threads()` threads
/// (the optimizer steps and the weight-gradient finish on the large layers: memory-bound passes
/// that two cores stream faster than one). Each value's arithmetic is the same whichever chunk it
/// falls in, so the result does not depend on the thread count.
pub const PARALLEL_MIN_VALUES: usize = 1 << 16;

/// How an elementwise kernel over `len` values is split: (parts, chunk length). One part (the
/// calling thread) below PARALLEL_MIN_VALUES, else one contiguous chunk per thread.
pub fn elementwise_split(len: usize) -> (usize, usize) {
    let threads = if len < PARALLEL_MIN_VALUES { 1 } else { max_threads() };
    let chunk = len.div_ceil(threads.max(1)).max(1);
    (len.div_ceil(chunk).max(1), chunk)
}

/// Runs f(0), ..., f(parts - 1) and returns when all are done: part 0 on the calling thread, the
/// others on ffnn's kernel threads (spin_pool.rs: spinning between the products of a batch, so a
/// part starts within microseconds). A single part runs inline.
pub fn run_parts(parts: usize, f: impl Fn(usize) + Sync) {
    if parts <= 1 {
        (0..parts).for_each(f);
        return;
    }
    static POOL: OnceLock<spin_pool::Pool> = OnceLock::new();
    POOL.get_or_init(|| spin_pool::Pool::new(available_cores().saturating_sub(1))).run(parts, &f);
}

/// The rayon pool the gemm crate runs its products in, as many threads as cores (ffnn's own kernels
/// use spin_pool through run_parts).
fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(available_cores())
            .thread_name(|i| format!("ffnn-gemm-{i}"))
            .build()
            .expect("ffnn: cannot start the gemm thread pool")
    })
}

/// Who computes the products that are not thin (see on_panel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Large {
    /// the gemm crate, at the level it dispatches to itself (the best the CPU has)
    Crate,
    /// ffnn's panel kernel (a level is forced, or the crate has no SIMD path for this CPU)
    Panel,
    /// the system OpenBLAS (cargo feature `openblas`)
    OpenBlas,
}

/// The crate's SIMD levels (it dispatches to them itself): AVX-512 (its `x86-v4` feature),
/// AVX2+FMA, NEON.
fn crate_has(isa: Isa) -> bool {
    matches!(isa, Isa::Avx512 | Isa::Avx2Fma | Isa::Neon)
}

/// Where ffnn's blocked panel kernel leads: AVX-512, measured faster than the crate's AVX-512
/// kernels on the training shapes (native/bench/README.md). `FFNN_GEMM_ROUTE=crate` hands the
/// large products back to the crate.
fn panel_leads(isa: Isa) -> bool {
    isa == Isa::Avx512 && route() != Route::Crate
}

pub fn large_route(active: Isa) -> Large {
    if active != isa::detected() {
        Large::Panel
    } else if cfg!(feature = "openblas") {
        Large::OpenBlas
    } else if crate_has(active) && !panel_leads(active) {
        Large::Crate
    } else {
        Large::Panel
    }
}

pub const CRATE_VERSION: &str = env!("FFNN_GEMM_CRATE_VERSION");

/// What runs now, for `ffnn info` and the benchmarks.
pub struct KernelInfo {
    /// the instruction set the kernels run on
    pub isa: &'static str,
    /// the best one this CPU has
    pub detected: &'static str,
    /// who computes products with more than panelMaxN columns: "gemm-crate", "panel", "openblas"
    pub large: &'static str,
    /// "gemm 0.19.0" or "openblas" or "ffnn panel"
    pub large_name: String,
    pub panel_max_n: usize,
    pub threads: usize,
    pub parallel_min_flops: usize,
}

pub fn kernel_info() -> KernelInfo {
    let active = isa::active();
    let large = large_route(active);
    KernelInfo {
        isa: active.name(),
        detected: isa::detected().name(),
        large: match large {
            Large::Crate => "gemm-crate",
            Large::Panel => "panel",
            Large::OpenBlas => "openblas",
        },
        large_name: match large {
            Large::Crate => format!("gemm {CRATE_VERSION}"),
            Large::Panel => "ffnn panel".into(),
            Large::OpenBlas => "openblas".into(),
        },
        panel_max_n: PANEL_MAX_N,
        threads: max_threads(),
        parallel_min_flops: PARALLEL_MIN_FLOPS,
    }
}

/// One line: "avx2-fma: gemm 0.19.0 + ffnn panel (thin: ...), 2 threads (1 below 16777216 mnk)".
pub fn describe() -> String {
    let k = kernel_info();
    let forced = if k.isa != k.detected { format!(" (forced; CPU has {})", k.detected) } else { String::new() };
    let active = isa::active();
    let panel_only = route() == Route::Panel || active != isa::detected() || !crate_has(active) || cfg!(target_arch = "wasm32");
    let kernels = if panel_only {
        "ffnn panel for every product".to_string()
    } else if k.large == "panel" {
        format!("ffnn panel + gemm {CRATE_VERSION} for thin weight gradients (A^T D, n <= {})", k.panel_max_n)
    } else if route() == Route::Crate {
        format!("{} for every product (FFNN_GEMM_ROUTE=crate)", k.large_name)
    } else {
        format!("{} + ffnn panel for thin products (no A^T, n or k <= {})", k.large_name, k.panel_max_n)
    };
    let threads =
        if k.threads == 1 { "1 thread".to_string() } else { format!("{} threads (1 below {} mnk)", k.threads, k.parallel_min_flops) };
    format!("{}{forced}: {kernels}, {threads}", k.isa)
}

/// Kept for the bench example and older callers: the large-product implementation's name.
pub fn implementation() -> &'static str {
    kernel_info().large
}

/// The per-dtype entry points of the large-product implementations.
#[allow(dead_code)]
pub trait Scalar: Real + panel::Elem {
    #[cfg(feature = "openblas")]
    #[allow(clippy::too_many_arguments)]
    fn openblas(
        ta: bool,
        tb: bool,
        m: usize,
        n: usize,
        k: usize,
        alpha: Self,
        a: &[Self],
        b: &[Self],
        beta: Self,
        c: &mut [Self],
        threads: usize,
    );
    #[allow(clippy::too_many_arguments)]
    fn gemm_crate(
        ta: bool,
        tb: bool,
        m: usize,
        n: usize,
        k: usize,
        alpha: Self,
        a: &[Self],
        b: &[Self],
        beta: Self,
        c: &mut [Self],
        threads: usize,
    );
    #[cfg(feature = "matrixmultiply")]
    #[allow(clippy::too_many_arguments)]
    fn matrixmultiply(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: Self, a: &[Self], b: &[Self], beta: Self, c: &mut [Self]);
}

#[cfg(feature = "openblas")]
mod openblas_threads {
    use std::sync::atomic::{AtomicUsize, Ordering};
    extern "C" {
        fn openblas_set_num_threads(n: std::os::raw::c_int);
    }
    static CURRENT: AtomicUsize = AtomicUsize::new(0);
    /// OpenBLAS keeps a global thread count; set it only when it changes.
    pub fn ensure(n: usize) {
        if CURRENT.swap(n, Ordering::Relaxed) != n {
            unsafe { openblas_set_num_threads(n as std::os::raw::c_int) };
        }
    }
}

/// Strides (row stride, column stride) of a stored operand: row-major r x c, or its transpose.
#[inline]
fn strides(trans: bool, rows_of_op: usize, cols_of_op: usize) -> (isize, isize) {
    // op(X) is rows_of_op x cols_of_op; X itself is stored transposed when `trans`.
    if trans {
        (1, rows_of_op as isize)
    } else {
        (cols_of_op as isize, 1)
    }
}

macro_rules! impl_scalar {
    ($t:ty, $cblas:ident, $mm:ident, $crate_mod:path) => {
        impl Scalar for $t {
            #[cfg(feature = "openblas")]
            fn openblas(
                ta: bool,
                tb: bool,
                m: usize,
                n: usize,
                k: usize,
                alpha: $t,
                a: &[$t],
                b: &[$t],
                beta: $t,
                c: &mut [$t],
                threads: usize,
            ) {
                use cblas_sys::{CBLAS_LAYOUT, CBLAS_TRANSPOSE};
                openblas_threads::ensure(threads);
                let tr = |t: bool| if t { CBLAS_TRANSPOSE::CblasTrans } else { CBLAS_TRANSPOSE::CblasNoTrans };
                let lda = if ta { m } else { k };
                let ldb = if tb { k } else { n };
                // SAFETY: the caller checked a.len() >= m*k, b.len() >= k*n, c.len() >= m*n and
                // m, n, k >= 1, so every leading dimension is >= 1 and in bounds.
                unsafe {
                    cblas_sys::$cblas(
                        CBLAS_LAYOUT::CblasRowMajor,
                        tr(ta),
                        tr(tb),
                        m as i32,
                        n as i32,
                        k as i32,
                        alpha,
                        a.as_ptr(),
                        lda as i32,
                        b.as_ptr(),
                        ldb as i32,
                        beta,
                        c.as_mut_ptr(),
                        n as i32,
                    );
                }
            }

            fn gemm_crate(
                ta: bool,
                tb: bool,
                m: usize,
                n: usize,
                k: usize,
                alpha: $t,
                a: &[$t],
                b: &[$t],
                beta: $t,
                c: &mut [$t],
                threads: usize,
            ) {
                use $crate_mod as g;
                let (a_rs, a_cs) = strides(ta, m, k);
                let (b_rs, b_cs) = strides(tb, k, n);
                let f = g::get_gemm_fn();
                // addresses, so the closure can move to the pool (the caller waits for it)
                let (cp, ap, bp) = (c.as_mut_ptr() as usize, a.as_ptr() as usize, b.as_ptr() as usize);
                // The gemm crate computes dst = alpha * dst + beta * lhs * rhs (names swapped).
                // SAFETY: lengths checked by the caller; strides describe in-bounds views.
                let run = move |par| unsafe {
                    f(
                        m,
                        n,
                        k,
                        cp as *mut $t,
                        1,
                        n as isize,
                        beta != 0.0,
                        ap as *const $t,
                        a_cs,
                        a_rs,
                        bp as *const $t,
                        b_cs,
                        b_rs,
                        beta,
                        alpha,
                        false,
                        false,
                        false,
                        par,
                    )
                };
                if threads > 1 {
                    // on our pool, so the crate's tasks never land in a pool of the caller's
                    pool().install(|| run(gemm_common::Parallelism::Rayon(threads)));
                } else {
                    run(gemm_common::Parallelism::None);
                }
            }

            #[cfg(feature = "matrixmultiply")]
            fn matrixmultiply(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: $t, a: &[$t], b: &[$t], beta: $t, c: &mut [$t]) {
                let (a_rs, a_cs) = strides(ta, m, k);
                let (b_rs, b_cs) = strides(tb, k, n);
                // SAFETY: lengths checked by the caller. beta = 0 means C is not read.
                unsafe {
                    matrixmultiply::$mm(
                        m,
                        k,
                        n,
                        alpha,
                        a.as_ptr(),
                        a_rs,
                        a_cs,
                        b.as_ptr(),
                        b_rs,
                        b_cs,
                        beta,
                        c.as_mut_ptr(),
                        n as isize,
                        1,
                    );
                }
            }
        }
    };
}

impl_scalar!(f64, cblas_dgemm, dgemm, gemm_f64::gemm::f64);
impl_scalar!(f32, cblas_sgemm, sgemm, gemm_f32::gemm::f32);

/// The panel kernel on the active instruction set (for the benchmarks; gemm() picks it itself).
#[allow(clippy::too_many_arguments, dead_code)]
pub fn panel_gemm<T: Scalar>(
    ta: bool,
    tb: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    b: &[T],
    beta: T,
    c: &mut [T],
    threads: usize,
) {
    let beta_zero = beta.to_f64() == 0.0;
    panel::gemm(isa::active(), ta, tb, m, n, k, alpha, a, b, beta, beta_zero, c, threads, None);
}

/// C = alpha * op(A) * op(B) + beta * C. Lengths must have been checked by the caller:
/// a.len() >= m*k, b.len() >= k*n, c.len() >= m*n.
#[allow(clippy::too_many_arguments)]
pub fn gemm<T: Scalar>(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: f64, a: &[T], b: &[T], beta: f64, c: &mut [T]) {
    gemm_then(ta, tb, m, n, k, alpha, a, b, beta, c, None)
}

/// gemm, then `epilogue` over all of C: in the panel kernel per share, on the thread that computed
/// it; after the product for the crate and OpenBLAS, which do not expose their shares.
#[allow(clippy::too_many_arguments)]
pub fn gemm_then<T: Scalar>(
    ta: bool,
    tb: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: f64,
    a: &[T],
    b: &[T],
    beta: f64,
    c: &mut [T],
    epilogue: Option<panel::Epilogue<T>>,
) {
    if m == 0 || n == 0 {
        return;
    }
    let whole = panel::Region { rows: (0, m), cols: (0, n), n };
    if alpha == 0.0 || k == 0 {
        // Nothing to add: C = beta * C (beta = 0 overwrites, so NaN in C does not survive).
        let c = &mut c[..m * n];
        if beta == 0.0 {
            c.fill(T::from_f64(0.0));
        } else if beta != 1.0 {
            for x in c.iter_mut() {
                *x = T::from_f64(x.to_f64() * beta);
            }
        }
        if let Some(epilogue) = epilogue {
            epilogue(c.as_mut_ptr(), whole);
        }
        return;
    }
    let threads = threads_for(m, n, k);
    let active = isa::active();
    let large = large_route(active);
    let (alpha_t, beta_t) = (T::from_f64(alpha), T::from_f64(beta));
    // wasm32: large_route is always Panel there (no simd128 level in the crate, one thread); the
    // cfg! makes that visible to the compiler, which then drops the crate's code (379 -> 115 KB)
    if on_panel(active, large, ta, n, k) || cfg!(target_arch = "wasm32") {
        panel::gemm(active, ta, tb, m, n, k, alpha_t, a, b, beta_t, beta == 0.0, c, threads, epilogue);
        return;
    }
    // Where the panel leads, the crate computes only thin weight gradients (at most a few million
    // multiply-adds): on the calling thread, since waking the crate's rayon pool (sleeping between
    // products) costs more than a second thread saves on them (measured on 784-32-24-16-10).
    let threads = if large == Large::Panel { 1 } else { threads };
    #[cfg(feature = "openblas")]
    {
        T::openblas(ta, tb, m, n, k, alpha_t, a, b, beta_t, c, threads);
    }
    #[cfg(not(feature = "openblas"))]
    {
        T::gemm_crate(ta, tb, m, n, k, alpha_t, a, b, beta_t, c, threads);
    }
    if let Some(epilogue) = epilogue {
        epilogue(c.as_mut_ptr(), whole);
    }
}
