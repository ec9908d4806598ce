//! Checked entry points: every dimension, length, code and index is validated BEFORE any work,
//! so a bad call throws and writes nothing. Plain Rust errors here; lib.rs maps them to JS.

use crate::activations;
use crate::gemm::{self, Scalar};
use crate::kernels;
use crate::panel::Region;
use crate::real::Real;

/// Stable error codes, shared with FfnnError's codes in libs/ffnn/src/errors.ts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// An array is shorter than the shape it is said to hold.
    ShapeMismatch,
    /// A dimension, activation code or other number is not acceptable.
    InvalidParam,
    /// A row index points outside the source matrix.
    IndexOutOfRange,
    /// An output shares memory with another argument (Rust would not allow it, BLAS breaks on it).
    AliasedBuffers,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ShapeMismatch => "SHAPE_MISMATCH",
            Code::InvalidParam => "INVALID_PARAM",
            Code::IndexOutOfRange => "INDEX_OUT_OF_RANGE",
            Code::AliasedBuffers => "ALIASED_BUFFERS",
        }
    }
}

#[derive(Debug)]
pub struct KernelError {
    pub code: Code,
    pub message: String,
}

type Res<T = ()> = Result<T, KernelError>;

fn fail<T>(code: Code, op: &str, detail: String) -> Res<T> {
    // The message is built only on failure.
    Err(KernelError { code, message: format!("{}: {op}: {detail}", code.as_str()) })
}

/// A dimension from JS: a non-negative integer that fits BLAS's 32-bit int.
fn dim(op: &str, name: &str, x: f64) -> Res<usize> {
    if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= i32::MAX as f64 {
        Ok(x as usize)
    } else {
        fail(Code::InvalidParam, op, format!("expected {name} to be an integer in [0, 2^31), got {x}"))
    }
}

fn product(op: &str, what: &str, a: usize, b: usize) -> Res<usize> {
    match a.checked_mul(b) {
        Some(p) => Ok(p),
        None => fail(Code::ShapeMismatch, op, format!("{what} = {a} * {b} overflows")),
    }
}

/// `name` must hold at least `need` elements (`formula` says where `need` comes from).
fn len_at_least(op: &str, name: &str, got: usize, need: usize, formula: &str) -> Res {
    if got >= need {
        Ok(())
    } else {
        fail(Code::ShapeMismatch, op, format!("expected {name}.length >= {formula} = {need}, got {got}"))
    }
}

fn range<T>(s: &[T]) -> (usize, usize) {
    let start = s.as_ptr() as usize;
    (start, start + std::mem::size_of_val(s))
}

/// An output may not overlap any other argument.
fn disjoint<A, B>(op: &str, out_name: &str, out: &[A], other_name: &str, other: &[B]) -> Res {
    let (a0, a1) = range(out);
    let (b0, b1) = range(other);
    if a0 < b1 && b0 < a1 {
        fail(Code::AliasedBuffers, op, format!("{out_name} shares memory with {other_name}; pass separate arrays"))
    } else {
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
pub fn gemm<T: Scalar>(ta: bool, tb: bool, m: f64, n: f64, k: f64, alpha: f64, a: &[T], b: &[T], beta: f64, c: &mut [T]) -> Res {
    const OP: &str = "gemm";
    let (m, n, k) = (dim(OP, "m", m)?, dim(OP, "n", n)?, dim(OP, "k", k)?);
    len_at_least(OP, "a", a.len(), product(OP, "m*k", m, k)?, if ta { "k*m" } else { "m*k" })?;
    len_at_least(OP, "b", b.len(), product(OP, "k*n", k, n)?, if tb { "n*k" } else { "k*n" })?;
    len_at_least(OP, "c", c.len(), product(OP, "m*n", m, n)?, "m*n")?;
    disjoint(OP, "c", c, "a", a)?;
    disjoint(OP, "c", c, "b", b)?;
    gemm::gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
    Ok(())
}

pub fn add_row_vector<T: Real>(rows: f64, cols: f64, x: &mut [T], v: &[T]) -> Res {
    const OP: &str = "addRowVector";
    let (rows, cols) = (dim(OP, "rows", rows)?, dim(OP, "cols", cols)?);
    len_at_least(OP, "x", x.len(), product(OP, "rows*cols", rows, cols)?, "rows*cols")?;
    len_at_least(OP, "v", v.len(), cols, "cols")?;
    disjoint(OP, "x", x, "v", v)?;
    kernels::add_row_vector(rows, cols, x, v);
    Ok(())
}

pub fn column_means<T: Real>(rows: f64, cols: f64, x: &[T], divisor: f64, out: &mut [T]) -> Res {
    const OP: &str = "columnMeans";
    let (rows, cols) = (dim(OP, "rows", rows)?, dim(OP, "cols", cols)?);
    len_at_least(OP, "x", x.len(), product(OP, "rows*cols", rows, cols)?, "rows*cols")?;
    len_at_least(OP, "out", out.len(), cols, "cols")?;
    disjoint(OP, "out", out, "x", x)?;
    kernels::column_means(rows, cols, x, divisor, out);
    Ok(())
}

fn activation_code(op: &str, code: f64) -> Res<u32> {
    if code.fract() == 0.0 && code >= 0.0 && code < activations::COUNT as f64 {
        Ok(code as u32)
    } else {
        fail(Code::InvalidParam, op, format!("expected an activation code in [0, {}), got {code}", activations::COUNT))
    }
}

pub fn activate<T: Real>(code: f64, rows: f64, cols: f64, x: &mut [T]) -> Res {
    const OP: &str = "activate";
    let code = activation_code(OP, code)?;
    let (rows, cols) = (dim(OP, "rows", rows)?, dim(OP, "cols", cols)?);
    len_at_least(OP, "x", x.len(), product(OP, "rows*cols", rows, cols)?, "rows*cols")?;
    activations::forward(code, rows, cols, x);
    Ok(())
}

pub fn activation_backward<T: Real>(code: f64, rows: f64, cols: f64, a: &[T], delta: &mut [T]) -> Res {
    const OP: &str = "activationBackward";
    let code = activation_code(OP, code)?;
    let (rows, cols) = (dim(OP, "rows", rows)?, dim(OP, "cols", cols)?);
    let len = product(OP, "rows*cols", rows, cols)?;
    len_at_least(OP, "a", a.len(), len, "rows*cols")?;
    len_at_least(OP, "delta", delta.len(), len, "rows*cols")?;
    disjoint(OP, "delta", delta, "a", a)?;
    activations::backward(code, rows, cols, a, delta);
    Ok(())
}

/// An activation code, or -1 for none (the fused layer ops: the caller applies an activation
/// that has no kernel, such as 'exp', itself).
fn optional_activation(op: &str, code: f64) -> Res<Option<u32>> {
    if code == -1.0 {
        Ok(None)
    } else {
        activation_code(op, code).map(Some)
    }
}

/// The row segments of a block of C: (row, C[row, cols]).
///
/// # Safety
/// `c` points at a matrix with row stride `r.n` holding every row and column of `r`, and no other
/// reference to that block is alive while the segments are.
unsafe fn segments<'a, T: 'a>(c: *mut T, r: Region) -> impl Iterator<Item = (usize, &'a mut [T])> {
    let (c0, c1) = r.cols;
    (r.rows.0..r.rows.1).map(move |i| (i, std::slice::from_raw_parts_mut(c.add(i * r.n + c0), c1 - c0)))
}

/// out = f(A W + b): gemm, addRowVector and activate in one call, the bias and the activation
/// applied to each share of the product on the thread that computed it, while it is in cache.
/// The same roundings as the three calls (each value is stored after the product, after the
/// bias, after the activation), so the same numbers. Softmax needs whole rows: it runs after.
#[allow(clippy::too_many_arguments)]
pub fn linear_forward<T: Scalar>(rows: f64, fan_in: f64, fan_out: f64, a: &[T], w: &[T], bias: &[T], code: f64, out: &mut [T]) -> Res {
    const OP: &str = "linearForward";
    let code = optional_activation(OP, code)?;
    let (rows, fan_in, fan_out) = (dim(OP, "rows", rows)?, dim(OP, "fanIn", fan_in)?, dim(OP, "fanOut", fan_out)?);
    len_at_least(OP, "a", a.len(), product(OP, "rows*fanIn", rows, fan_in)?, "rows*fanIn")?;
    len_at_least(OP, "w", w.len(), product(OP, "fanIn*fanOut", fan_in, fan_out)?, "fanIn*fanOut")?;
    len_at_least(OP, "bias", bias.len(), fan_out, "fanOut")?;
    len_at_least(OP, "out", out.len(), product(OP, "rows*fanOut", rows, fan_out)?, "rows*fanOut")?;
    disjoint(OP, "out", out, "a", a)?;
    disjoint(OP, "out", out, "w", w)?;
    disjoint(OP, "out", out, "bias", bias)?;
    let elementwise = code.filter(|&c| c != activations::SOFTMAX);
    let epilogue = |c: *mut T, r: Region| {
        let bias = &bias[r.cols.0..r.cols.1];
        // SAFETY: gemm_then hands each share's block to one call, on disjoint blocks of out.
        for (_, seg) in unsafe { segments(c, r) } {
            kernels::add_row_vector(1, seg.len(), seg, bias);
            if let Some(code) = elementwise {
                activations::forward(code, 1, seg.len(), seg);
            }
        }
    };
    gemm::gemm_then(false, false, rows, fan_out, fan_in, 1.0, a, w, 0.0, out, Some(&epilogue));
    if code == Some(activations::SOFTMAX) {
        activations::forward(activations::SOFTMAX, rows, fan_out, out);
    }
    Ok(())
}

/// out = (D W^T) * f'(a): the delta of the layer below, gemm and activationBackward in one call,
/// the derivative applied per share as in linear_forward (softmax's, by row, after).
#[allow(clippy::too_many_arguments)]
pub fn linear_backward<T: Scalar>(rows: f64, fan_in: f64, fan_out: f64, delta: &[T], w: &[T], code: f64, a: &[T], out: &mut [T]) -> Res {
    const OP: &str = "linearBackward";
    let code = optional_activation(OP, code)?;
    let (rows, fan_in, fan_out) = (dim(OP, "rows", rows)?, dim(OP, "fanIn", fan_in)?, dim(OP, "fanOut", fan_out)?);
    let below = product(OP, "rows*fanIn", rows, fan_in)?;
    len_at_least(OP, "delta", delta.len(), product(OP, "rows*fanOut", rows, fan_out)?, "rows*fanOut")?;
    len_at_least(OP, "w", w.len(), product(OP, "fanIn*fanOut", fan_in, fan_out)?, "fanIn*fanOut")?;
    len_at_least(OP, "a", a.len(), below, "rows*fanIn")?;
    len_at_least(OP, "out", out.len(), below, "rows*fanIn")?;
    disjoint(OP, "out", out, "delta", delta)?;
    disjoint(OP, "out", out, "w", w)?;
    disjoint(OP, "out", out, "a", a)?;
    let elementwise = code.filter(|&c| c != activations::SOFTMAX);
    let epilogue = |c: *mut T, r: Region| {
        let Some(code) = elementwise else { return };
        // SAFETY: as in linear_forward.
        for (i, seg) in unsafe { segments(c, r) } {
            let from = i * r.n + r.cols.0;
            activations::backward(code, 1, seg.len(), &a[from..from + seg.len()], seg);
        }
    };
    gemm::gemm_then(false, true, rows, fan_in, fan_out, 1.0, delta, w, 0.0, out, Some(&epilogue));
    if code == Some(activations::SOFTMAX) {
        activations::backward(activations::SOFTMAX, rows, fan_in, a, out);
    }
    Ok(())
}

/// out = (A^T D + alpha W [+ l1 sign W]) / divisor: gemm and finishWeightGradient in one call,
/// the finish applied per share as in linear_forward.
#[allow(clippy::too_many_arguments)]
pub fn weight_gradient<T: Scalar>(
    fan_in: f64,
    fan_out: f64,
    rows: f64,
    a: &[T],
    delta: &[T],
    w: &[T],
    alpha: f64,
    l1: f64,
    divisor: f64,
    out: &mut [T],
) -> Res {
    const OP: &str = "weightGradient";
    let (fan_in, fan_out, rows) = (dim(OP, "fanIn", fan_in)?, dim(OP, "fanOut", fan_out)?, dim(OP, "rows", rows)?);
    let size = product(OP, "fanIn*fanOut", fan_in, fan_out)?;
    len_at_least(OP, "a", a.len(), product(OP, "rows*fanIn", rows, fan_in)?, "rows*fanIn")?;
    len_at_least(OP, "delta", delta.len(), product(OP, "rows*fanOut", rows, fan_out)?, "rows*fanOut")?;
    len_at_least(OP, "w", w.len(), size, "fanIn*fanOut")?;
    len_at_least(OP, "out", out.len(), size, "fanIn*fanOut")?;
    disjoint(OP, "out", out, "a", a)?;
    disjoint(OP, "out", out, "delta", delta)?;
    disjoint(OP, "out", out, "w", w)?;
    let epilogue = |c: *mut T, r: Region| {
        // SAFETY: as in linear_forward.
        for (i, seg) in unsafe { segments(c, r) } {
            let from = i * r.n + r.cols.0;
            kernels::finish_weight_gradient(seg.len(), seg, &w[from..from + seg.len()], alpha, l1, divisor);
        }
    };
    gemm::gemm_then(true, false, fan_in, fan_out, rows, 1.0, a, delta, 0.0, out, Some(&epilogue));
    Ok(())
}

pub fn subtract<T: Real>(length: f64, p: &[T], y: &[T], out: &mut [T]) -> Res {
    const OP: &str = "subtract";
    let len = dim(OP, "length", length)?;
    len_at_least(OP, "p", p.len(), len, "length")?;
    len_at_least(OP, "y", y.len(), len, "length")?;
    len_at_least(OP, "out", out.len(), len, "length")?;
    disjoint(OP, "out", out, "p", p)?;
    disjoint(OP, "out", out, "y", y)?;
    kernels::subtract(len, p, y, out);
    Ok(())
}

/// A mutable slice the parts of an elementwise kernel share, each writing only its own chunk.
struct Shared<T>(*mut T, usize);

// SAFETY: parts touch disjoint chunks (split), so sharing the pointer between threads is sound.
unsafe impl<T: Send> Sync for Shared<T> {}

impl<T> Shared<T> {
    fn new(s: &mut [T]) -> Self {
        Shared(s.as_mut_ptr(), s.len())
    }

    /// # Safety
    /// lo <= hi <= len, and no other live reference covers [lo, hi).
    #[allow(clippy::mut_from_ref)]
    unsafe fn chunk(&self, lo: usize, hi: usize) -> &mut [T] {
        debug_assert!(lo <= hi && hi <= self.1);
        std::slice::from_raw_parts_mut(self.0.add(lo), hi - lo)
    }
}

/// Runs f(lo, hi) over contiguous chunks of [0, len): one on the calling thread below
/// gemm::PARALLEL_MIN_VALUES, else one per thread. Each value's arithmetic is the same whichever
/// chunk it falls in, so the result does not depend on the thread count.
fn split(len: usize, f: impl Fn(usize, usize) + Sync) {
    let (parts, chunk) = gemm::elementwise_split(len);
    gemm::run_parts(parts, |t| f(t * chunk, ((t + 1) * chunk).min(len)));
}

pub fn finish_weight_gradient<T: Real>(length: f64, g: &mut [T], w: &[T], alpha: f64, l1: f64, divisor: f64) -> Res {
    const OP: &str = "finishWeightGradient";
    let len = dim(OP, "length", length)?;
    len_at_least(OP, "g", g.len(), len, "length")?;
    len_at_least(OP, "w", w.len(), len, "length")?;
    disjoint(OP, "g", g, "w", w)?;
    let (g, w) = (Shared::new(&mut g[..len]), &w[..len]);
    // SAFETY (and in the steps below): each part takes its own chunk
    split(len, |lo, hi| unsafe { kernels::finish_weight_gradient(hi - lo, g.chunk(lo, hi), &w[lo..hi], alpha, l1, divisor) });
    Ok(())
}

pub fn sgd_step<T: Real>(length: f64, p: &mut [T], g: &[T], v: &mut [T], lr: f64, momentum: f64, nesterov: bool) -> Res {
    const OP: &str = "sgdStep";
    let len = dim(OP, "length", length)?;
    len_at_least(OP, "p", p.len(), len, "length")?;
    len_at_least(OP, "g", g.len(), len, "length")?;
    len_at_least(OP, "v", v.len(), len, "length")?;
    disjoint(OP, "p", p, "g", g)?;
    disjoint(OP, "p", p, "v", v)?;
    disjoint(OP, "v", v, "g", g)?;
    let (p, g, v) = (Shared::new(&mut p[..len]), &g[..len], Shared::new(&mut v[..len]));
    split(len, |lo, hi| unsafe { kernels::sgd_step(hi - lo, p.chunk(lo, hi), &g[lo..hi], v.chunk(lo, hi), lr, momentum, nesterov) });
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn adam_step<T: Real>(
    length: f64,
    p: &mut [T],
    g: &[T],
    m: &mut [T],
    v: &mut [T],
    lr_t: f64,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
) -> Res {
    const OP: &str = "adamStep";
    let len = dim(OP, "length", length)?;
    for (name, got) in [("p", p.len()), ("g", g.len()), ("m", m.len()), ("v", v.len())] {
        len_at_least(OP, name, got, len, "length")?;
    }
    disjoint(OP, "p", p, "g", g)?;
    disjoint(OP, "p", p, "m", m)?;
    disjoint(OP, "p", p, "v", v)?;
    disjoint(OP, "m", m, "g", g)?;
    disjoint(OP, "m", m, "v", v)?;
    disjoint(OP, "v", v, "g", g)?;
    let (p, g) = (Shared::new(&mut p[..len]), &g[..len]);
    let (m, v) = (Shared::new(&mut m[..len]), Shared::new(&mut v[..len]));
    split(len, |lo, hi| unsafe {
        kernels::adam_step(hi - lo, p.chunk(lo, hi), &g[lo..hi], m.chunk(lo, hi), v.chunk(lo, hi), lr_t, beta1, beta2, epsilon)
    });
    Ok(())
}

pub fn sum_squares<T: Real>(length: f64, x: &[T]) -> Res<f64> {
    const OP: &str = "sumSquares";
    let len = dim(OP, "length", length)?;
    len_at_least(OP, "x", x.len(), len, "length")?;
    Ok(kernels::sum_squares(len, x))
}

pub fn sum_abs<T: Real>(length: f64, x: &[T]) -> Res<f64> {
    const OP: &str = "sumAbs";
    let len = dim(OP, "length", length)?;
    len_at_least(OP, "x", x.len(), len, "length")?;
    Ok(kernels::sum_abs(len, x))
}

pub fn gather_rows<T: Real>(cols: f64, src: &[T], indices: &[i32], start: f64, count: f64, dst: &mut [T]) -> Res {
    const OP: &str = "gatherRows";
    let cols = dim(OP, "cols", cols)?;
    let (start, count) = (dim(OP, "start", start)?, dim(OP, "count", count)?);
    len_at_least(OP, "indices", indices.len(), start + count, "start+count")?;
    len_at_least(OP, "dst", dst.len(), product(OP, "count*cols", count, cols)?, "count*cols")?;
    disjoint(OP, "dst", dst, "src", src)?;
    let indices = &indices[start..start + count];
    if let Some(src_rows) = src.len().checked_div(cols) {
        if let Some((r, &i)) = indices.iter().enumerate().find(|&(_, &i)| i < 0 || i as usize >= src_rows) {
            return fail(
                Code::IndexOutOfRange,
                OP,
                format!("expected indices[{}] in [0, {src_rows}) (src.length / cols), got {i}", start + r),
            );
        }
    }
    kernels::gather_rows(cols, src, indices, dst);
    Ok(())
}
