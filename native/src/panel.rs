//! ffnn's own gemm kernel, for the products the gemm crate is slow on (thin ones: the output layer
//! and the small layers, see gemm::panel_takes and native/bench/README.md) and for every product when a lower instruction
//! set is forced (isa.rs), so each SIMD path can be tested on one machine.
//!
//!   C (m x n) = alpha * op(A) * op(B) + beta * C,  row-major, beta = 0 overwrites C.
//!
//! op(B) is packed once into column panels of NR (zero-padded), p-major: panel[p * NR + j]. C is
//! then computed in MR x NR tiles: for each p, MR values of op(A) are broadcast against one row of
//! the panel and accumulated in registers (MR * NR / lanes vector registers). op(A) is read where
//! it lies through (row stride, column stride); only a last partial block of rows is copied, with
//! zero padding. The tile loop is plain Rust over fixed-size arrays, compiled once per instruction
//! set inside a `#[target_feature]` function, where LLVM turns it into vector FMAs (or mul + add
//! where the level has no FMA). Row blocks are split between threads when the product is large.

use crate::isa::Isa;
use std::ops::{Add, Mul};

/// The per-dtype parts: zero, fused multiply-add, and the kernel table.
pub trait Elem: Copy + Send + Sync + 'static + Add<Output = Self> + Mul<Output = Self> {
    const ZERO: Self;
    /// self * b + c with one rounding (compiles to an FMA instruction where the level has one).
    fn fused(self, b: Self, c: Self) -> Self;
    fn kernel(isa: Isa, n: usize) -> Kernel<Self>;
}

impl Elem for f64 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn fused(self, b: Self, c: Self) -> Self {
        self.mul_add(b, c)
    }
    fn kernel(isa: Isa, n: usize) -> Kernel<Self> {
        f64_kernels::kernel(isa, n)
    }
}

impl Elem for f32 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn fused(self, b: Self, c: Self) -> Self {
        self.mul_add(b, c)
    }
    fn kernel(isa: Isa, n: usize) -> Kernel<Self> {
        f32_kernels::kernel(isa, n)
    }
}

/// One product, as the row-block workers see it.
pub struct Job<T> {
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    beta: T,
    /// beta == 0: C is overwritten, never read (NaN in C does not survive)
    beta_zero: bool,
    /// op(A)[i, p] = a[i * a_rs + p * a_cs]
    a: *const T,
    a_rs: usize,
    a_cs: usize,
    /// op(B) packed in panels of NR columns: panel q at q * k * NR, [p * NR + j] within it.
    b_packed: *const T,
    c: *mut T,
}

// SAFETY: workers read a and b_packed and write disjoint row blocks of c.
unsafe impl<T: Sync> Sync for Job<T> {}

/// A compiled kernel: its tile size and the worker for row blocks [from, to).
#[derive(Clone, Copy)]
pub struct Kernel<T> {
    pub mr: usize,
    pub nr: usize,
    run: unsafe fn(&Job<T>, usize, usize),
}

/// sum over p of op(A)[row r, p] * panel[p, j], for MR rows from `a` (strides rs, cs) and NR
/// columns; returned in registers.
#[inline(always)]
unsafe fn tile<T: Elem, const MR: usize, const NR: usize, const FMA: bool>(k: usize, a: *const T, rs: usize, cs: usize, panel: *const T) -> [[T; NR]; MR] {
    let mut acc = [[T::ZERO; NR]; MR];
    let mut rows = [a; MR];
    for (r, row) in rows.iter_mut().enumerate() {
        *row = a.add(r * rs);
    }
    for p in 0..k {
        let b = *(panel.add(p * NR) as *const [T; NR]);
        for r in 0..MR {
            let av = *rows[r].add(p * cs);
            for j in 0..NR {
                acc[r][j] = if FMA { av.fused(b[j], acc[r][j]) } else { av * b[j] + acc[r][j] };
            }
        }
    }
    acc
}

/// C[i0.., j0..] = alpha * acc + beta * C for the valid mr x nr corner of a tile. A full-width
/// tile stores NR (a constant) values a row, so the store is vector code too: with k small (the
/// output layer's D W^T, k = 10) the stores are a large part of the work.
#[inline(always)]
unsafe fn store<T: Elem, const MR: usize, const NR: usize>(job: &Job<T>, i0: usize, j0: usize, mr: usize, nr: usize, acc: &[[T; NR]; MR], beta_zero: bool) {
    let (alpha, beta) = (job.alpha, job.beta);
    for (r, row) in acc.iter().enumerate().take(mr) {
        let dst = job.c.add((i0 + r) * job.n + j0);
        if nr == NR {
            let dst = &mut *(dst as *mut [T; NR]);
            if beta_zero {
                for j in 0..NR {
                    dst[j] = alpha * row[j];
                }
            } else {
                for j in 0..NR {
                    dst[j] = alpha * row[j] + beta * dst[j];
                }
            }
        } else {
            for (j, &v) in row.iter().enumerate().take(nr) {
                let d = dst.add(j);
                *d = if beta_zero { alpha * v } else { alpha * v + beta * *d };
            }
        }
    }
}

/// Row blocks [from, to) of the product: every column panel of each block of MR rows.
#[inline(always)]
unsafe fn rows<T: Elem, const MR: usize, const NR: usize, const FMA: bool>(job: &Job<T>, from: usize, to: usize) {
    let panels = job.n.div_ceil(NR);
    let beta_zero = job.beta_zero;
    // a last partial row block is copied here (p-major, zero-padded) so the tile never reads
    // past op(A)
    let mut pad: Vec<T> = Vec::new();
    for rb in from..to {
        let i0 = rb * MR;
        let mr = MR.min(job.m - i0);
        let (a, rs, cs) = if mr == MR {
            (job.a.add(i0 * job.a_rs), job.a_rs, job.a_cs)
        } else {
            pad.clear();
            pad.resize(job.k * MR, T::ZERO);
            for p in 0..job.k {
                for r in 0..mr {
                    pad[p * MR + r] = *job.a.add((i0 + r) * job.a_rs + p * job.a_cs);
                }
            }
            (pad.as_ptr(), 1, MR)
        };
        for q in 0..panels {
            let j0 = q * NR;
            let acc = tile::<T, MR, NR, FMA>(job.k, a, rs, cs, job.b_packed.add(q * job.k * NR));
            store::<T, MR, NR>(job, i0, j0, mr, NR.min(job.n - j0), &acc, beta_zero);
        }
    }
}

/// Declares the worker of one (instruction set, dtype, MR, NR) and returns its Kernel.
macro_rules! worker {
    ($t:ty, $mr:expr, $nr:expr, $fma:expr, $feat:literal) => {{
        #[target_feature(enable = $feat)]
        unsafe fn run(job: &Job<$t>, from: usize, to: usize) {
            rows::<$t, $mr, $nr, $fma>(job, from, to)
        }
        Kernel { mr: $mr, nr: $nr, run }
    }};
    ($t:ty, $mr:expr, $nr:expr, $fma:expr) => {{
        unsafe fn run(job: &Job<$t>, from: usize, to: usize) {
            rows::<$t, $mr, $nr, $fma>(job, from, to)
        }
        Kernel { mr: $mr, nr: $nr, run }
    }};
}

/// Tile sizes: MR * NR / lanes accumulators plus NR / lanes panel loads and one or two broadcasts
/// fit the register file (16 vector registers for SSE2 and AVX2, 32 for AVX-512 and NEON); an
/// accumulator spilled to the stack makes the loop wait on memory (measured: the f64 AVX2 tile
/// 4 x 12, 16 registers, ran at half the speed of 3 x 12). Two shapes per level: `thin` for
/// n <= its NR (the output layer, n = 10), `wide` for the rest.
macro_rules! kernels {
    ($module:ident, $t:ty,
     avx512: $m5:expr, $n5:expr, thin $tm5:expr, $tn5:expr;
     avx2: $m4:expr, $n4:expr, thin $tm4:expr, $tn4:expr;
     sse2: $m2:expr, $n2:expr;
     neon: $m3:expr, $n3:expr) => {
        mod $module {
            use super::*;
            pub fn kernel(isa: Isa, n: usize) -> Kernel<$t> {
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 if n <= $tn5 => worker!($t, $tm5, $tn5, true, "avx512f,avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => worker!($t, $m5, $n5, true, "avx512f,avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2Fma if n <= $tn4 => worker!($t, $tm4, $tn4, true, "avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2Fma => worker!($t, $m4, $n4, true, "avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Sse2 => worker!($t, $m2, $n2, false),
                    // FMA is part of the arm64 baseline, so mul_add is one fmla
                    #[cfg(target_arch = "aarch64")]
                    Isa::Neon => worker!($t, $m3, $n3, true),
                    _ => worker!($t, 4, 4, false),
                }
            }
        }
    };
}

kernels!(f64_kernels, f64, avx512: 8, 16, thin 6, 16; avx2: 6, 8, thin 3, 12; sse2: 4, 4; neon: 4, 8);
kernels!(f32_kernels, f32, avx512: 12, 16, thin 12, 16; avx2: 6, 16, thin 6, 16; sse2: 4, 8; neon: 4, 16);

/// Runs one product on `threads` threads of `pool` (1: the calling thread). Lengths were checked
/// by the caller (ops.rs); m, n, k >= 1.
#[allow(clippy::too_many_arguments)]
pub fn gemm<T: Elem>(isa: Isa, ta: bool, tb: bool, m: usize, n: usize, k: usize, alpha: T, a: &[T], b: &[T], beta: T, beta_zero: bool, c: &mut [T], threads: usize, pool: Option<&rayon::ThreadPool>) {
    let kern = T::kernel(isa, n);
    let (mr, nr) = (kern.mr, kern.nr);
    let panels = n.div_ceil(nr);
    let mut packed = vec![T::ZERO; panels * k * nr];
    for q in 0..panels {
        let dst = &mut packed[q * k * nr..(q + 1) * k * nr];
        let cols = nr.min(n - q * nr);
        for p in 0..k {
            for j in 0..cols {
                let col = q * nr + j;
                dst[p * nr + j] = if tb { b[col * k + p] } else { b[p * n + col] };
            }
        }
    }
    let (a_rs, a_cs) = if ta { (1, m) } else { (k, 1) };
    let job = Job { m, n, k, alpha, beta, beta_zero, a: a.as_ptr(), a_rs, a_cs, b_packed: packed.as_ptr(), c: c.as_mut_ptr() };
    let blocks = m.div_ceil(mr);
    match pool {
        Some(pool) if threads > 1 && blocks >= 2 => {
            let parts = threads.min(blocks);
            let job = &job;
            pool.scope(|s| {
                for t in 0..parts {
                    let (from, to) = (blocks * t / parts, blocks * (t + 1) / parts);
                    // SAFETY: the parts cover disjoint row blocks, so disjoint rows of C.
                    s.spawn(move |_| unsafe { (kern.run)(job, from, to) });
                }
            });
        }
        // SAFETY: the kernel's instruction set was checked to be supported (isa.rs); the caller
        // checked every length.
        _ => unsafe { (kern.run)(&job, 0, blocks) },
    }
}
