//! ffnn's own gemm kernel, for the products the gemm crate is slow on (thin ones: the output layer
//! and the small layers, see gemm::panel_takes and native/bench/README.md) and for every product
//! when a lower instruction set is forced (isa.rs), so each SIMD path can be tested on one machine.
//!
//!   C (m x n) = alpha * op(A) * op(B) + beta * C,  row-major, beta = 0 overwrites C.
//!
//! op(B) is packed once into column panels of NR (zero-padded), p-major: panel[p * NR + j]. C is
//! then computed in MR x NR tiles: for each p, MR values of op(A) are broadcast against one row of
//! the panel and accumulated in MR * NR / lanes vector registers. op(A) is read where it lies
//! through (row stride, column stride); only a last partial block of rows is copied, with zero
//! padding. The tile is written once over a `Simd` trait (one register of a level: AVX-512, AVX2,
//! SSE2, NEON, wasm simd128 intrinsics, or a plain scalar) and compiled once per level inside a
//! `#[target_feature]` function. Row blocks are split between threads when the product is large.
//! The packing buffers are per thread and reused: nothing is allocated per product once they have
//! grown to the largest one.

use crate::isa::Isa;
use std::cell::RefCell;
use std::ops::{Add, Mul};

/// The per-dtype parts: zero and the kernel table.
pub trait Elem: Copy + Send + Sync + 'static + Add<Output = Self> + Mul<Output = Self> {
    const ZERO: Self;
    fn kernel(isa: Isa, n: usize) -> Kernel<Self>;
    /// This thread's scratch buffer `which`, grown to at least `len` values (never shrunk; its
    /// contents are whatever the last product left). The pointer stays valid until the next call
    /// with the same `which` on this thread; a product asks once for each. A raw pointer rather
    /// than a closure over the buffer: a closure would be compiled outside the worker's
    /// `#[target_feature]` function, and the tile inside it would lose its vector instructions.
    fn scratch(which: Scratch, len: usize) -> *mut Self;
}

/// The two scratch buffers of a thread: the packed op(B) (on the calling thread) and the padded
/// last row block of op(A) (on each worker).
#[derive(Clone, Copy)]
pub enum Scratch {
    PackedB,
    PaddedA,
}

macro_rules! elem {
    ($t:ty, $kernels:ident) => {
        impl Elem for $t {
            const ZERO: Self = 0.0;
            fn kernel(isa: Isa, n: usize) -> Kernel<Self> {
                $kernels::kernel(isa, n)
            }
            fn scratch(which: Scratch, len: usize) -> *mut Self {
                thread_local! {
                    static PACKED_B: RefCell<Vec<$t>> = const { RefCell::new(Vec::new()) };
                    static PADDED_A: RefCell<Vec<$t>> = const { RefCell::new(Vec::new()) };
                }
                let cell = match which {
                    Scratch::PackedB => &PACKED_B,
                    Scratch::PaddedA => &PADDED_A,
                };
                cell.with_borrow_mut(|buf| {
                    if buf.len() < len {
                        buf.resize(len, 0.0);
                    }
                    buf.as_mut_ptr()
                })
            }
        }
    };
}

elem!(f64, f64_kernels);
elem!(f32, f32_kernels);

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

/// One SIMD register of an instruction set, as the tile sees it. Written with explicit vector
/// types (not left to LLVM's auto-vectoriser over arrays of scalars, which on AVX-512 f64 once
/// vectorised across the tile's rows with gathers and scatters and ran at a tenth of the speed).
/// Every method is called only inside a `#[target_feature]` worker of its level.
pub trait Simd: Copy {
    type E: Elem;
    const LANES: usize;
    unsafe fn zero() -> Self;
    unsafe fn splat(x: Self::E) -> Self;
    /// unaligned load and store of LANES values
    unsafe fn load(p: *const Self::E) -> Self;
    unsafe fn store(p: *mut Self::E, v: Self);
    /// a * b + c: one rounding where the level has FMA, mul then add where it has not
    unsafe fn mul_add(a: Self, b: Self, c: Self) -> Self;
    unsafe fn mul(a: Self, b: Self) -> Self;
    unsafe fn add(a: Self, b: Self) -> Self;
}

/// A one-lane "register" for targets without SIMD (plain Rust, mul then add).
#[derive(Clone, Copy)]
pub struct Scalar<T>(T);

impl<T: Elem> Simd for Scalar<T> {
    type E = T;
    const LANES: usize = 1;
    #[inline(always)]
    unsafe fn zero() -> Self {
        Scalar(T::ZERO)
    }
    #[inline(always)]
    unsafe fn splat(x: T) -> Self {
        Scalar(x)
    }
    #[inline(always)]
    unsafe fn load(p: *const T) -> Self {
        Scalar(*p)
    }
    #[inline(always)]
    unsafe fn store(p: *mut T, v: Self) {
        *p = v.0
    }
    #[inline(always)]
    unsafe fn mul_add(a: Self, b: Self, c: Self) -> Self {
        Scalar(a.0 * b.0 + c.0)
    }
    #[inline(always)]
    unsafe fn mul(a: Self, b: Self) -> Self {
        Scalar(a.0 * b.0)
    }
    #[inline(always)]
    unsafe fn add(a: Self, b: Self) -> Self {
        Scalar(a.0 + b.0)
    }
}

/// Implements Simd for one intrinsic vector type.
#[cfg_attr(target_arch = "wasm32", allow(unused_macros))] // wasm32's one v128 type needs newtypes: v128_simd
macro_rules! simd {
    ($v:ty, $e:ty, $lanes:expr, zero $zero:expr, splat $splat:path, load $load:path, store $store:path,
     mul $mul:path, add $add:path, fma $fma:expr) => {
        impl Simd for $v {
            type E = $e;
            const LANES: usize = $lanes;
            #[inline(always)]
            unsafe fn zero() -> Self {
                let f: unsafe fn() -> Self = $zero;
                f()
            }
            #[inline(always)]
            unsafe fn splat(x: $e) -> Self {
                $splat(x)
            }
            #[inline(always)]
            unsafe fn load(p: *const $e) -> Self {
                $load(p)
            }
            #[inline(always)]
            unsafe fn store(p: *mut $e, v: Self) {
                $store(p, v)
            }
            #[inline(always)]
            unsafe fn mul_add(a: Self, b: Self, c: Self) -> Self {
                let f: unsafe fn(Self, Self, Self) -> Self = $fma;
                f(a, b, c)
            }
            #[inline(always)]
            unsafe fn mul(a: Self, b: Self) -> Self {
                $mul(a, b)
            }
            #[inline(always)]
            unsafe fn add(a: Self, b: Self) -> Self {
                $add(a, b)
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Simd;
    use std::arch::x86_64::*;

    simd!(__m512d, f64, 8, zero _mm512_setzero_pd, splat _mm512_set1_pd, load _mm512_loadu_pd,
          store _mm512_storeu_pd, mul _mm512_mul_pd, add _mm512_add_pd, fma |a, b, c| _mm512_fmadd_pd(a, b, c));
    simd!(__m512, f32, 16, zero _mm512_setzero_ps, splat _mm512_set1_ps, load _mm512_loadu_ps,
          store _mm512_storeu_ps, mul _mm512_mul_ps, add _mm512_add_ps, fma |a, b, c| _mm512_fmadd_ps(a, b, c));
    simd!(__m256d, f64, 4, zero _mm256_setzero_pd, splat _mm256_set1_pd, load _mm256_loadu_pd,
          store _mm256_storeu_pd, mul _mm256_mul_pd, add _mm256_add_pd, fma |a, b, c| _mm256_fmadd_pd(a, b, c));
    simd!(__m256, f32, 8, zero _mm256_setzero_ps, splat _mm256_set1_ps, load _mm256_loadu_ps,
          store _mm256_storeu_ps, mul _mm256_mul_ps, add _mm256_add_ps, fma |a, b, c| _mm256_fmadd_ps(a, b, c));
    // SSE2 has no FMA: multiply, then add (two roundings, as the scalar code without FMA)
    simd!(__m128d, f64, 2, zero _mm_setzero_pd, splat _mm_set1_pd, load _mm_loadu_pd,
          store _mm_storeu_pd, mul _mm_mul_pd, add _mm_add_pd, fma |a, b, c| _mm_add_pd(_mm_mul_pd(a, b), c));
    simd!(__m128, f32, 4, zero _mm_setzero_ps, splat _mm_set1_ps, load _mm_loadu_ps,
          store _mm_storeu_ps, mul _mm_mul_ps, add _mm_add_ps, fma |a, b, c| _mm_add_ps(_mm_mul_ps(a, b), c));
}

#[cfg(target_arch = "aarch64")]
mod arm {
    use super::Simd;
    use std::arch::aarch64::*;

    // vfmaq(c, a, b) = c + a * b, one rounding (FMA is in the arm64 baseline)
    simd!(float64x2_t, f64, 2, zero || vdupq_n_f64(0.0), splat vdupq_n_f64, load vld1q_f64,
          store vst1q_f64, mul vmulq_f64, add vaddq_f64, fma |a, b, c| vfmaq_f64(c, a, b));
    simd!(float32x4_t, f32, 4, zero || vdupq_n_f32(0.0), splat vdupq_n_f32, load vld1q_f32,
          store vst1q_f32, mul vmulq_f32, add vaddq_f32, fma |a, b, c| vfmaq_f32(c, a, b));
}

#[cfg(target_arch = "wasm32")]
mod simd128 {
    use super::Simd;
    use std::arch::wasm32::*;

    /// wasm has one untyped 128-bit vector (v128); a newtype per lane type gives each its `E`.
    /// simd128 has no FMA (relaxed-simd's is not deterministic across engines): mul, then add.
    macro_rules! v128_simd {
        ($name:ident, $e:ty, $lanes:expr, $splat:ident, $mul:ident, $add:ident) => {
            #[derive(Clone, Copy)]
            pub struct $name(v128);
            impl Simd for $name {
                type E = $e;
                const LANES: usize = $lanes;
                #[inline(always)]
                unsafe fn zero() -> Self {
                    $name($splat(0.0))
                }
                #[inline(always)]
                unsafe fn splat(x: $e) -> Self {
                    $name($splat(x))
                }
                #[inline(always)]
                unsafe fn load(p: *const $e) -> Self {
                    $name(v128_load(p as *const v128))
                }
                #[inline(always)]
                unsafe fn store(p: *mut $e, v: Self) {
                    v128_store(p as *mut v128, v.0)
                }
                #[inline(always)]
                unsafe fn mul_add(a: Self, b: Self, c: Self) -> Self {
                    $name($add($mul(a.0, b.0), c.0))
                }
                #[inline(always)]
                unsafe fn mul(a: Self, b: Self) -> Self {
                    $name($mul(a.0, b.0))
                }
                #[inline(always)]
                unsafe fn add(a: Self, b: Self) -> Self {
                    $name($add(a.0, b.0))
                }
            }
        };
    }

    v128_simd!(F64x2, f64, 2, f64x2_splat, f64x2_mul, f64x2_add);
    v128_simd!(F32x4, f32, 4, f32x4_splat, f32x4_mul, f32x4_add);
}

/// sum over p of op(A)[row r, p] * panel[p, j], for MR rows from `a` (strides rs, cs) and
/// NR = NV * LANES columns; returned in MR * NV registers.
#[inline(always)]
unsafe fn tile<V: Simd, const MR: usize, const NV: usize>(
    k: usize,
    a: *const V::E,
    rs: usize,
    cs: usize,
    panel: *const V::E,
) -> [[V; NV]; MR] {
    let mut acc = [[V::zero(); NV]; MR];
    let nr = NV * V::LANES;
    for p in 0..k {
        let row = panel.add(p * nr);
        let mut b = [V::zero(); NV];
        for (v, bv) in b.iter_mut().enumerate() {
            *bv = V::load(row.add(v * V::LANES));
        }
        let col = a.add(p * cs);
        for (r, acc_r) in acc.iter_mut().enumerate() {
            let av = V::splat(*col.add(r * rs));
            for v in 0..NV {
                acc_r[v] = V::mul_add(av, b[v], acc_r[v]);
            }
        }
    }
    acc
}

/// The widest tile row, in values: NV * LANES never exceeds it (see the kernels! table).
const MAX_NR: usize = 64;

/// C[i0.., j0..] = alpha * acc + beta * C for the valid mr x nr corner of a tile (mul, mul, add:
/// the same roundings on every level). A full-width tile is stored with vector stores: with k
/// small (the output layer's D W^T, k = 10) the stores are a large part of the work.
#[inline(always)]
unsafe fn store<V: Simd, const MR: usize, const NV: usize>(
    job: &Job<V::E>,
    i0: usize,
    j0: usize,
    mr: usize,
    nr: usize,
    acc: &[[V; NV]; MR],
) {
    let (alpha, beta) = (V::splat(job.alpha), V::splat(job.beta));
    let full = nr == NV * V::LANES;
    for (r, row) in acc.iter().enumerate().take(mr) {
        let dst = job.c.add((i0 + r) * job.n + j0);
        if full {
            for (v, &x) in row.iter().enumerate() {
                let d = dst.add(v * V::LANES);
                let y = V::mul(alpha, x);
                V::store(d, if job.beta_zero { y } else { V::add(y, V::mul(beta, V::load(d))) });
            }
        } else {
            let mut tmp = [V::E::ZERO; MAX_NR];
            for (v, &x) in row.iter().enumerate() {
                V::store(tmp.as_mut_ptr().add(v * V::LANES), x);
            }
            for (j, &x) in tmp.iter().enumerate().take(nr) {
                let d = dst.add(j);
                *d = if job.beta_zero { job.alpha * x } else { job.alpha * x + job.beta * *d };
            }
        }
    }
}

/// Row blocks [from, to) of the product: every column panel of each block of MR rows.
#[inline(always)]
unsafe fn rows<V: Simd, const MR: usize, const NV: usize>(job: &Job<V::E>, from: usize, to: usize) {
    let nr = NV * V::LANES;
    let panels = job.n.div_ceil(nr);
    let full_blocks = (to.min(job.m / MR)).max(from);
    for rb in from..full_blocks {
        let i0 = rb * MR;
        row_block::<V, MR, NV>(job, i0, MR, job.a.add(i0 * job.a_rs), job.a_rs, job.a_cs, panels, nr);
    }
    if full_blocks < to {
        // the last, partial row block is copied (p-major, zero-padded) so the tile never reads
        // past op(A)
        let i0 = full_blocks * MR;
        let mr = job.m - i0;
        let pad = V::E::scratch(Scratch::PaddedA, job.k * MR);
        for p in 0..job.k {
            for r in 0..MR {
                *pad.add(p * MR + r) = if r < mr { *job.a.add((i0 + r) * job.a_rs + p * job.a_cs) } else { V::E::ZERO };
            }
        }
        row_block::<V, MR, NV>(job, i0, mr, pad, 1, MR, panels, nr);
    }
}

/// Every column panel of one block of mr <= MR rows starting at row i0, op(A) read at `a`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn row_block<V: Simd, const MR: usize, const NV: usize>(
    job: &Job<V::E>,
    i0: usize,
    mr: usize,
    a: *const V::E,
    rs: usize,
    cs: usize,
    panels: usize,
    nr: usize,
) {
    for q in 0..panels {
        let j0 = q * nr;
        let acc = tile::<V, MR, NV>(job.k, a, rs, cs, job.b_packed.add(q * job.k * nr));
        store::<V, MR, NV>(job, i0, j0, mr, nr.min(job.n - j0), &acc);
    }
}

/// Declares the worker of one (vector type, MR, NV), compiled for `$feat`, and returns its Kernel.
macro_rules! worker {
    ($v:ty, $mr:expr, $nv:expr, $feat:literal) => {{
        #[target_feature(enable = $feat)]
        unsafe fn run(job: &Job<<$v as Simd>::E>, from: usize, to: usize) {
            rows::<$v, $mr, $nv>(job, from, to)
        }
        Kernel { mr: $mr, nr: $nv * <$v as Simd>::LANES, run }
    }};
    ($v:ty, $mr:expr, $nv:expr) => {{
        unsafe fn run(job: &Job<<$v as Simd>::E>, from: usize, to: usize) {
            rows::<$v, $mr, $nv>(job, from, to)
        }
        Kernel { mr: $mr, nr: $nv * <$v as Simd>::LANES, run }
    }};
}

/// Tile sizes, MR rows x NV vector registers: MR * NV accumulators plus NV panel loads and one
/// broadcast fit the register file (16 vector registers for SSE2 and AVX2, 32 for AVX-512 and
/// NEON); an accumulator spilled to the stack makes the loop wait on memory. Two shapes per level:
/// `thin` for n <= its NR (the output layer, n = 10), `wide` for the rest.
macro_rules! kernels {
    ($module:ident, $t:ty,
     avx512 $v5:ty: $m5:expr, $n5:expr, thin $tm5:expr, $tn5:expr;
     avx2 $v4:ty: $m4:expr, $n4:expr, thin $tm4:expr, $tn4:expr;
     sse2 $v2:ty: $m2:expr, $n2:expr;
     neon $v3:ty: $m3:expr, $n3:expr;
     simd128 $v6:ty: $m6:expr, $n6:expr) => {
        mod $module {
            #[cfg(target_arch = "wasm32")]
            use super::simd128::*;
            use super::*;
            #[cfg(target_arch = "aarch64")]
            use std::arch::aarch64::*;
            #[cfg(target_arch = "x86_64")]
            use std::arch::x86_64::*;
            pub fn kernel(isa: Isa, n: usize) -> Kernel<$t> {
                let _ = n; // only the x86-64 levels have a thin shape
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 if n <= $tn5 * <$v5 as Simd>::LANES => worker!($v5, $tm5, $tn5, "avx512f,avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => worker!($v5, $m5, $n5, "avx512f,avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2Fma if n <= $tn4 * <$v4 as Simd>::LANES => worker!($v4, $tm4, $tn4, "avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2Fma => worker!($v4, $m4, $n4, "avx2,fma"),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Sse2 => worker!($v2, $m2, $n2, "sse2"),
                    #[cfg(target_arch = "aarch64")]
                    Isa::Neon => worker!($v3, $m3, $n3, "neon"),
                    #[cfg(target_arch = "wasm32")]
                    Isa::Simd128 => worker!($v6, $m6, $n6, "simd128"),
                    _ => worker!(Scalar<$t>, 4, 4),
                }
            }
        }
    };
}

// MR x NV (NR = NV * lanes): f64 AVX-512 8 x 16, thin 6 x 16; AVX2 6 x 8, thin 3 x 12; ...
kernels!(f64_kernels, f64, avx512 __m512d: 8, 2, thin 6, 2; avx2 __m256d: 6, 2, thin 3, 3; sse2 __m128d: 4, 2; neon float64x2_t: 4, 4;
    simd128 F64x2: 4, 2);
kernels!(f32_kernels, f32, avx512 __m512: 12, 1, thin 12, 1; avx2 __m256: 6, 2, thin 6, 2; sse2 __m128: 4, 2; neon float32x4_t: 4, 4;
    simd128 F32x4: 4, 2);

/// Runs one product on `threads` threads of `pool` (1: the calling thread). Lengths were checked
/// by the caller (ops.rs); m, n, k >= 1.
#[allow(clippy::too_many_arguments)]
pub fn gemm<T: Elem>(
    isa: Isa,
    ta: bool,
    tb: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    b: &[T],
    beta: T,
    beta_zero: bool,
    c: &mut [T],
    threads: usize,
    pool: Option<&rayon::ThreadPool>,
) {
    let kern = T::kernel(isa, n);
    let nr = kern.nr;
    let panels = n.div_ceil(nr);
    let len = panels * k * nr;
    // SAFETY: scratch() returns len values owned by this thread, asked for once in this product.
    let packed = unsafe { std::slice::from_raw_parts_mut(T::scratch(Scratch::PackedB, len), len) };
    for q in 0..panels {
        let dst = &mut packed[q * k * nr..(q + 1) * k * nr];
        let cols = nr.min(n - q * nr);
        for p in 0..k {
            for j in 0..nr {
                let col = q * nr + j;
                // columns past n are zero: the tile computes them and the store drops them
                dst[p * nr + j] = if j >= cols {
                    T::ZERO
                } else if tb {
                    b[col * k + p]
                } else {
                    b[p * n + col]
                };
            }
        }
    }
    run_job(kern, ta, m, n, k, alpha, a, beta, beta_zero, c, packed, threads, pool);
}

/// Runs the kernel over every row block of C, on the calling thread or split between threads.
#[allow(clippy::too_many_arguments)]
fn run_job<T: Elem>(
    kern: Kernel<T>,
    ta: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: &[T],
    beta: T,
    beta_zero: bool,
    c: &mut [T],
    packed: &[T],
    threads: usize,
    pool: Option<&rayon::ThreadPool>,
) {
    let mr = kern.mr;
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
