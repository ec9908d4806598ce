//! General matrix multiply over row-major slices:
//!   C (m x n) = alpha * op(A) * op(B) + beta * C
//! with A stored m x k (k x m when trans_a), B stored k x n (n x k when trans_b).
//!
//! The implementation is chosen at build time by a cargo feature: `openblas` (system OpenBLAS
//! through CBLAS, the default: fastest here, see native/bench/README.md) or `pure-gemm` (the
//! pure-Rust `gemm` crate) or `pure-matrixmultiply`. Callers have already checked lengths; this
//! module only does arithmetic. beta = 0 overwrites C without reading it (NaN in C is ignored),
//! and alpha = 0 or k = 0 only scales C, as in js.ts.

use crate::real::Real;
use std::sync::atomic::{AtomicUsize, Ordering};

#[cfg(feature = "openblas")]
extern crate openblas_src;

/// Products with fewer multiply-adds than this run on one thread: below it, waking a second
/// thread costs more than it saves (measured on the training shapes, see native/bench/README.md).
pub const PARALLEL_MIN_FLOPS: usize = 1 << 22;

/// 0 means "all available cores" (resolved lazily).
static MAX_THREADS: AtomicUsize = AtomicUsize::new(0);

pub fn available_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Caps the number of threads gemm may use (0 restores the default: all cores).
pub fn set_max_threads(n: usize) {
    MAX_THREADS.store(n, Ordering::Relaxed);
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

pub fn implementation() -> &'static str {
    if cfg!(feature = "openblas") {
        "openblas"
    } else if cfg!(feature = "pure-gemm") {
        "gemm-crate"
    } else if cfg!(feature = "pure-matrixmultiply") {
        "matrixmultiply"
    } else {
        "none"
    }
}

/// The per-dtype entry points of each implementation (the ones not selected are compiled only
/// when the benchmark enables their features, hence the allow).
#[allow(dead_code)]
pub trait Scalar: Real {
    #[cfg(feature = "openblas")]
    #[allow(clippy::too_many_arguments)]
    fn openblas(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: Self, a: &[Self], b: &[Self], beta: Self, c: &mut [Self], threads: usize);
    #[cfg(feature = "pure-gemm")]
    #[allow(clippy::too_many_arguments)]
    fn pure_gemm(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: Self, a: &[Self], b: &[Self], beta: Self, c: &mut [Self], threads: usize);
    #[cfg(feature = "pure-matrixmultiply")]
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
#[cfg(any(feature = "pure-gemm", feature = "pure-matrixmultiply"))]
#[allow(dead_code)]
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
    ($t:ty, $cblas:ident, $mm:ident) => {
        impl Scalar for $t {
            #[cfg(feature = "openblas")]
            fn openblas(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: $t, a: &[$t], b: &[$t], beta: $t, c: &mut [$t], threads: usize) {
                use cblas_sys::{CBLAS_LAYOUT, CBLAS_TRANSPOSE};
                openblas_threads::ensure(threads);
                let tr = |t: bool| if t { CBLAS_TRANSPOSE::CblasTrans } else { CBLAS_TRANSPOSE::CblasNoTrans };
                let lda = if ta { m } else { k };
                let ldb = if tb { k } else { n };
                // SAFETY: the caller checked a.len() >= m*k, b.len() >= k*n, c.len() >= m*n and
                // m, n, k >= 1, so every leading dimension is >= 1 and in bounds.
                unsafe {
                    cblas_sys::$cblas(
                        CBLAS_LAYOUT::CblasRowMajor, tr(ta), tr(tb),
                        m as i32, n as i32, k as i32,
                        alpha, a.as_ptr(), lda as i32, b.as_ptr(), ldb as i32,
                        beta, c.as_mut_ptr(), n as i32,
                    );
                }
            }

            #[cfg(feature = "pure-gemm")]
            fn pure_gemm(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: $t, a: &[$t], b: &[$t], beta: $t, c: &mut [$t], threads: usize) {
                let (a_rs, a_cs) = strides(ta, m, k);
                let (b_rs, b_cs) = strides(tb, k, n);
                let par = if threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
                // The gemm crate computes dst = alpha * dst + beta * lhs * rhs (names swapped).
                // SAFETY: lengths checked by the caller; strides describe in-bounds views.
                unsafe {
                    gemm::gemm(
                        m, n, k,
                        c.as_mut_ptr(), 1, n as isize, beta != 0.0,
                        a.as_ptr(), a_cs, a_rs,
                        b.as_ptr(), b_cs, b_rs,
                        beta, alpha, false, false, false, par,
                    );
                }
            }

            #[cfg(feature = "pure-matrixmultiply")]
            fn matrixmultiply(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: $t, a: &[$t], b: &[$t], beta: $t, c: &mut [$t]) {
                let (a_rs, a_cs) = strides(ta, m, k);
                let (b_rs, b_cs) = strides(tb, k, n);
                // SAFETY: lengths checked by the caller. beta = 0 means C is not read.
                unsafe {
                    matrixmultiply::$mm(
                        m, k, n, alpha,
                        a.as_ptr(), a_rs, a_cs,
                        b.as_ptr(), b_rs, b_cs,
                        beta, c.as_mut_ptr(), n as isize, 1,
                    );
                }
            }
        }
    };
}

impl_scalar!(f64, cblas_dgemm, dgemm);
impl_scalar!(f32, cblas_sgemm, sgemm);

/// C = alpha * op(A) * op(B) + beta * C. Lengths must have been checked by the caller:
/// a.len() >= m*k, b.len() >= k*n, c.len() >= m*n.
#[allow(clippy::too_many_arguments)]
pub fn gemm<T: Scalar>(ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: f64, a: &[T], b: &[T], beta: f64, c: &mut [T]) {
    if m == 0 || n == 0 {
        return;
    }
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
        return;
    }
    let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
    let _threads = threads_for(m, n, k);
    #[cfg(feature = "openblas")]
    {
        T::openblas(ta, tb, m, n, k, alpha, a, b, beta, c, _threads);
    }
    #[cfg(all(not(feature = "openblas"), feature = "pure-gemm"))]
    {
        T::pure_gemm(ta, tb, m, n, k, alpha, a, b, beta, c, _threads);
    }
    #[cfg(all(not(feature = "openblas"), not(feature = "pure-gemm"), feature = "pure-matrixmultiply"))]
    {
        T::matrixmultiply(ta, tb, m, n, k, alpha, a, b, beta, c);
    }
    #[cfg(not(any(feature = "openblas", feature = "pure-gemm", feature = "pure-matrixmultiply")))]
    compile_error!("enable one gemm implementation: openblas, pure-gemm or pure-matrixmultiply");
}
