//! ffnn's own gemm kernel: on AVX-512 every product but the thin weight gradients, every product
//! when a lower instruction set is forced (isa.rs, so each SIMD path can be tested on one machine),
//! and the thin products elsewhere (see gemm::on_panel and native/bench/README.md).
//!
//!   C (m x n) = alpha * op(A) * op(B) + beta * C,  row-major, beta = 0 overwrites C.
//!
//! Blocked and packed, as the BLAS libraries do it (Goto's scheme, BLIS's loops): the sum over k
//! is cut into blocks of at most kc values, sized so that one packed column panel of op(B)
//! (kc x NR values) stays in the L1 cache while every row panel of op(A) (MR x kc) streams past it
//! from L2. op(B) is packed once per product, each panel contiguous and p-major (zero-padded at the
//! edges), so the tile reads it in the order it uses it whatever the transpose; op(A) is packed the
//! same way only when transposed and read by many column panels (see PACK_A_MIN_PANELS), else read
//! where it lies, only a last partial row panel copied.
//!
//! The tile: MR x NR of C in MR * NV vector registers; for each p, MR values of op(A) are
//! broadcast against one row of the op(B) panel. It is written once over a `Simd` trait (one
//! register of a level: AVX-512, AVX2, SSE2, NEON, wasm simd128 intrinsics, or a plain scalar) and
//! compiled once per level inside a `#[target_feature]` function. With two threads both pack (each
//! its share of the panels), then each computes its share of C's column panels (or row panels,
//! whichever has more): two gemm::run_parts per product (spin_pool.rs), no barrier inside a part.
//! The packing buffers belong to the calling thread and are reused: nothing is allocated per
//! product once they have grown to the largest one.

use crate::gemm;
use crate::isa::Isa;
use std::cell::RefCell;
use std::ops::{Add, Mul};

/// The per-dtype parts: zero and the kernel table.
pub trait Elem: Copy + Send + Sync + 'static + Add<Output = Self> + Mul<Output = Self> {
    const ZERO: Self;
    const ONE: Self;
    fn kernel(isa: Isa, n: usize) -> Kernel<Self>;
    /// This thread's scratch buffer `which`, grown to at least `len` values (never shrunk; its
    /// contents are whatever the last product left). The pointer stays valid until the next call
    /// with the same `which` on this thread; a product asks once for each. A raw pointer rather
    /// than a closure over the buffer: a closure would be compiled outside the worker's
    /// `#[target_feature]` function, and the tile inside it would lose its vector instructions.
    fn scratch(which: Scratch, len: usize) -> *mut Self;
}

/// The two scratch buffers of the calling thread: the packed op(B) and the packed op(A).
#[derive(Clone, Copy)]
pub enum Scratch {
    PackedB,
    PackedA,
}

macro_rules! elem {
    ($t:ty, $kernels:ident) => {
        impl Elem for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            fn kernel(isa: Isa, n: usize) -> Kernel<Self> {
                $kernels::kernel(isa, n)
            }
            fn scratch(which: Scratch, len: usize) -> *mut Self {
                thread_local! {
                    static PACKED_B: RefCell<Vec<$t>> = const { RefCell::new(Vec::new()) };
                    static PACKED_A: RefCell<Vec<$t>> = const { RefCell::new(Vec::new()) };
                }
                let cell = match which {
                    Scratch::PackedB => &PACKED_B,
                    Scratch::PackedA => &PACKED_A,
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

/// One product, as the packing and the tile workers see it.
pub struct Job<T> {
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    beta: T,
    /// beta == 0: C is overwritten, never read (NaN in C does not survive)
    beta_zero: bool,
    /// the tile: MR rows, NR columns
    mr: usize,
    nr: usize,
    /// op(A)[i, p] = a[i * a_rs + p * a_cs]
    a: *const T,
    a_rs: usize,
    a_cs: usize,
    /// op(B)[p, j] = b[p * b_rs + j * b_cs]
    b: *const T,
    b_rs: usize,
    b_cs: usize,
    /// every row panel of op(A) is packed; otherwise op(A) is read in place and only a last
    /// partial row panel is packed (zero-padded, so the tile never reads past op(A))
    a_packed: bool,
    /// the sum over k in `blocks` blocks of kc values (the last one may be shorter)
    kc: usize,
    blocks: usize,
    row_panels: usize,
    col_panels: usize,
    /// packed op(A): block b, row panel i at b * row_panels * MR * kc + i * MR * kcb, [p * MR + r]
    pa: *mut T,
    /// packed op(B): block b, column panel q at b * col_panels * NR * kc + q * NR * kcb, [p * NR + j]
    pb: *mut T,
    c: *mut T,
}

// SAFETY: the packing tasks write disjoint panels of pa and pb; the tile tasks read a, pa and pb
// and write disjoint panels of c.
unsafe impl<T: Sync> Sync for Job<T> {}

/// A share of the work: row panels [rows.0, rows.1) and column panels [cols.0, cols.1).
#[derive(Clone, Copy)]
pub struct Part {
    rows: (usize, usize),
    cols: (usize, usize),
}

/// A block of C: rows [rows.0, rows.1) x columns [cols.0, cols.1), C's row stride n.
#[derive(Clone, Copy, Debug)]
pub struct Region {
    pub rows: (usize, usize),
    pub cols: (usize, usize),
    pub n: usize,
}

/// Work on a block of C right after the product has written it, on the thread that wrote it,
/// while it is in that core's cache (bias and activation, an activation's derivative, the weight
/// gradient's finish: see ops.rs). Called once per share, on disjoint blocks, through C's pointer.
pub type Epilogue<'a, T> = &'a (dyn Fn(*mut T, Region) + Sync);

/// A compiled kernel: its tile size and the worker that computes a share of C.
#[derive(Clone, Copy)]
pub struct Kernel<T> {
    pub mr: usize,
    pub nr: usize,
    run: unsafe fn(&Job<T>, Part),
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
/// the same roundings on every level) on the first block of the sum over k, C += alpha * acc on
/// the later ones. A full-width tile is stored with vector stores: with k small (the output
/// layer's D W^T, k = 10) the stores are a large part of the work.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn store<V: Simd, const MR: usize, const NV: usize>(
    job: &Job<V::E>,
    i0: usize,
    j0: usize,
    mr: usize,
    nr: usize,
    acc: &[[V; NV]; MR],
    first: bool,
) {
    let (overwrite, beta_e) = if first { (job.beta_zero, job.beta) } else { (false, V::E::ONE) };
    let (alpha, beta) = (V::splat(job.alpha), V::splat(beta_e));
    let full = nr == NV * V::LANES;
    for (r, row) in acc.iter().enumerate().take(mr) {
        let dst = job.c.add((i0 + r) * job.n + j0);
        if full {
            for (v, &x) in row.iter().enumerate() {
                let d = dst.add(v * V::LANES);
                let y = V::mul(alpha, x);
                V::store(d, if overwrite { y } else { V::add(y, V::mul(beta, V::load(d))) });
            }
        } else {
            let mut tmp = [V::E::ZERO; MAX_NR];
            for (v, &x) in row.iter().enumerate() {
                V::store(tmp.as_mut_ptr().add(v * V::LANES), x);
            }
            for (j, &x) in tmp.iter().enumerate().take(nr) {
                let d = dst.add(j);
                *d = if overwrite { job.alpha * x } else { job.alpha * x + beta_e * *d };
            }
        }
    }
}

impl<T: Elem> Job<T> {
    /// Values in block b (the last block may be shorter than kc).
    #[inline(always)]
    fn kcb(&self, b: usize) -> usize {
        self.kc.min(self.k - b * self.kc)
    }

    /// Whether row panel i is read from the packed copy.
    #[inline(always)]
    fn a_from_pack(&self, i: usize) -> bool {
        self.a_packed || (i + 1 == self.row_panels && !self.m.is_multiple_of(self.mr))
    }

    /// Where the tile reads row panel i of block b of op(A), and its (row, column) strides.
    #[inline(always)]
    unsafe fn a_panel(&self, b: usize, i: usize) -> (*const T, usize, usize) {
        if self.a_from_pack(i) {
            let at = b * self.row_panels * self.mr * self.kc + i * self.mr * self.kcb(b);
            (self.pa.add(at) as *const T, 1, self.mr)
        } else {
            (self.a.add(i * self.mr * self.a_rs + b * self.kc * self.a_cs), self.a_rs, self.a_cs)
        }
    }

    /// Column panel q of block b of the packed op(B).
    #[inline(always)]
    unsafe fn b_panel(&self, b: usize, q: usize) -> *const T {
        self.pb.add(b * self.col_panels * self.nr * self.kc + q * self.nr * self.kcb(b)) as *const T
    }

    /// Packs this share's row panels of op(A) (those the tile reads from the pack) and column
    /// panels of op(B), every block. The loops run along the operand's contiguous direction.
    unsafe fn pack(&self, part: Part) {
        let (mr, nr) = (self.mr, self.nr);
        for b in 0..self.blocks {
            let (p0, kcb) = (b * self.kc, self.kcb(b));
            for i in part.rows.0..part.rows.1 {
                if !self.a_from_pack(i) {
                    continue;
                }
                let dst = self.pa.add(b * self.row_panels * mr * self.kc + i * mr * kcb);
                let rows = mr.min(self.m - i * mr);
                let src = self.a.add(i * mr * self.a_rs + p0 * self.a_cs);
                pack_panel(dst, src, kcb, mr, rows, self.a_rs, self.a_cs);
            }
            for q in part.cols.0..part.cols.1 {
                let dst = self.pb.add(b * self.col_panels * nr * self.kc + q * nr * kcb);
                let cols = nr.min(self.n - q * nr);
                let src = self.b.add(p0 * self.b_rs + q * nr * self.b_cs);
                pack_panel(dst, src, kcb, nr, cols, self.b_cs, self.b_rs);
            }
        }
    }
}

/// dst[p * w + x] = src[x * x_stride + p * p_stride] for p < kcb, x < valid; zero for x >= valid
/// (the tile computes those lanes and the store drops them).
#[inline(always)]
unsafe fn pack_panel<T: Elem>(dst: *mut T, src: *const T, kcb: usize, w: usize, valid: usize, x_stride: usize, p_stride: usize) {
    if p_stride == 1 && x_stride != 1 {
        // each x is contiguous along p: read along p
        for x in 0..w {
            for p in 0..kcb {
                *dst.add(p * w + x) = if x < valid { *src.add(x * x_stride + p) } else { T::ZERO };
            }
        }
    } else {
        for p in 0..kcb {
            let row = src.add(p * p_stride);
            let out = dst.add(p * w);
            for x in 0..valid {
                *out.add(x) = *row.add(x * x_stride);
            }
            for x in valid..w {
                *out.add(x) = T::ZERO;
            }
        }
    }
}

/// A share of C: for each block of the sum over k, each column panel of the share (its packed
/// op(B) panel stays in L1) against each row panel of the share.
#[inline(always)]
unsafe fn compute<V: Simd, const MR: usize, const NV: usize>(job: &Job<V::E>, part: Part) {
    let nr = NV * V::LANES;
    for b in 0..job.blocks {
        let kcb = job.kcb(b);
        for q in part.cols.0..part.cols.1 {
            let panel = job.b_panel(b, q);
            let j0 = q * nr;
            for i in part.rows.0..part.rows.1 {
                let i0 = i * MR;
                let (a, rs, cs) = job.a_panel(b, i);
                let acc = tile::<V, MR, NV>(kcb, a, rs, cs, panel);
                store::<V, MR, NV>(job, i0, j0, MR.min(job.m - i0), nr.min(job.n - j0), &acc, b == 0);
            }
        }
    }
}

/// Declares the tile worker of one (vector type, MR, NV), compiled for `$feat`, and returns its Kernel.
macro_rules! worker {
    ($v:ty, $mr:expr, $nv:expr, $feat:literal) => {{
        #[target_feature(enable = $feat)]
        unsafe fn run(job: &Job<<$v as Simd>::E>, part: Part) {
            compute::<$v, $mr, $nv>(job, part)
        }
        Kernel { mr: $mr, nr: $nv * <$v as Simd>::LANES, run }
    }};
    ($v:ty, $mr:expr, $nv:expr) => {{
        unsafe fn run(job: &Job<<$v as Simd>::E>, part: Part) {
            compute::<$v, $mr, $nv>(job, part)
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

// MR x NV (NR = NV * lanes): f64 AVX-512 6 x 32 (24 accumulators: measured best of 8x16, 12x16,
// 8x24, 6x32 on the training shapes), thin 6 x 16; f32 AVX-512 12 x 32; AVX2 6 x 8, thin 3 x 12; ...
kernels!(f64_kernels, f64, avx512 __m512d: 6, 4, thin 6, 2; avx2 __m256d: 6, 2, thin 3, 3; sse2 __m128d: 4, 2; neon float64x2_t: 4, 4;
    simd128 F64x2: 4, 2);
kernels!(f32_kernels, f32, avx512 __m512: 12, 2, thin 12, 1; avx2 __m256: 6, 2, thin 6, 2; sse2 __m128: 4, 2; neon float32x4_t: 4, 4;
    simd128 F32x4: 4, 2);

/// Bytes of one packed op(B) panel (kc x NR values): two thirds of a 48 KiB L1 data cache, the
/// rest for the op(A) panel streaming past it and for C (24, 32 and 40 KiB measured on the
/// 784-512 products of this CPU: 32 was the fastest on every one at one thread).
const B_PANEL_BYTES: usize = 32 << 10;

/// op(A) is packed when it is transposed (A^T, the weight gradient: in place, each p would touch
/// a new cache line for MR values) and C has at least this many column panels, so that each packed
/// row panel is read that many times. A non-transposed op(A) is read where it lies: MR rows
/// contiguous along p, which the prefetchers stream as well as a packed copy, without the copy.
/// Measured in training on this Xeon (median call, one thread): the 784x128 forward product 1.08
/// ms packed, 0.82-0.84 in place; 784x512 3.7-3.9 packed, 3.3-3.5 in place. Run to run the
/// machine moved these by up to 20%, so the rule rests on those two runs and on the reason above.
const PACK_A_MIN_PANELS: usize = 4;

/// Runs one product on `threads` threads (1: the calling thread; more: gemm::run_parts). Lengths were checked
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
    epilogue: Option<Epilogue<T>>,
) {
    let kern = T::kernel(isa, n);
    let (mr, nr) = (kern.mr, kern.nr);
    let (row_panels, col_panels) = (m.div_ceil(mr), n.div_ceil(nr));
    let kc_max = (B_PANEL_BYTES / (nr * std::mem::size_of::<T>())).max(16);
    let blocks = k.div_ceil(kc_max);
    let kc = k.div_ceil(blocks);
    let (a_rs, a_cs) = if ta { (1, m) } else { (k, 1) };
    let (b_rs, b_cs) = if tb { (1, k) } else { (n, 1) };
    let a_packed = ta && col_panels >= PACK_A_MIN_PANELS;
    // the full layout even when only a last partial row panel is packed: its offsets stay valid
    let a_len = row_panels * mr * kc * blocks;
    let b_len = col_panels * nr * kc * blocks;
    let job = Job {
        m,
        n,
        k,
        alpha,
        beta,
        beta_zero,
        mr,
        nr,
        a: a.as_ptr(),
        a_rs,
        a_cs,
        b: b.as_ptr(),
        b_rs,
        b_cs,
        a_packed,
        kc,
        blocks,
        row_panels,
        col_panels,
        // SAFETY (both): this thread's buffers, asked for once each in this product
        pa: T::scratch(Scratch::PackedA, a_len),
        pb: T::scratch(Scratch::PackedB, b_len),
        c: c.as_mut_ptr(),
    };
    let all = Part { rows: (0, row_panels), cols: (0, col_panels) };
    let parts = threads.min(row_panels.max(col_panels)).max(1);
    let share = |total: usize, t: usize| (total * t / parts, total * (t + 1) / parts);
    // SAFETY: the packing shares cover disjoint panels of the packs.
    gemm::run_parts(parts, |t| unsafe { job.pack(Part { rows: share(row_panels, t), cols: share(col_panels, t) }) });
    let by_cols = col_panels >= row_panels;
    // SAFETY: the shares cover disjoint panels of C; the kernel's instruction set was checked to
    // be supported (isa.rs).
    gemm::run_parts(parts, |t| unsafe {
        let part =
            if by_cols { Part { rows: all.rows, cols: share(col_panels, t) } } else { Part { rows: share(row_panels, t), cols: all.cols } };
        (kern.run)(&job, part);
        if let Some(epilogue) = epilogue {
            let rows = (part.rows.0 * mr, (part.rows.1 * mr).min(m));
            let cols = (part.cols.0 * nr, (part.cols.1 * nr).min(n));
            epilogue(job.c, Region { rows, cols, n });
        }
    });
}
