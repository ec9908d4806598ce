//! The elementwise and reduction kernels of the backend contract, each a transcription of
//! libs/ffnn/src/backend/js.ts in the same op order. Values are read into f64 and rounded once
//! per store (see real.rs). Callers have checked every length; slices may be longer than used.
//! Each runs compiled for the active instruction-set level (isa::on_active_isa), the same bits
//! on every level.

use crate::isa::on_active_isa;
use crate::real::Real;

#[inline(always)]
fn st<T: Real>(x: f64) -> T {
    T::from_f64(x)
}

/// x[i, j] += v[j]
pub fn add_row_vector<T: Real>(rows: usize, cols: usize, x: &mut [T], v: &[T]) {
    on_active_isa!(<T>(rows: usize, cols: usize, x: &mut [T], v: &[T]) => add_row_vector_body(rows, cols, x, v))
}

#[inline(always)]
fn add_row_vector_body<T: Real>(rows: usize, cols: usize, x: &mut [T], v: &[T]) {
    if cols == 0 {
        return;
    }
    let v = &v[..cols];
    for row in x[..rows * cols].chunks_exact_mut(cols) {
        for (xv, &vv) in row.iter_mut().zip(v) {
            *xv = st(xv.to_f64() + vv.to_f64());
        }
    }
}

/// out[j] = (sum_i x[i, j]) / divisor, rows summed in order into `out` (a store per row, as js).
pub fn column_means<T: Real>(rows: usize, cols: usize, x: &[T], divisor: f64, out: &mut [T]) {
    on_active_isa!(<T>(rows: usize, cols: usize, x: &[T], divisor: f64, out: &mut [T]) => column_means_body(rows, cols, x, divisor, out))
}

#[inline(always)]
fn column_means_body<T: Real>(rows: usize, cols: usize, x: &[T], divisor: f64, out: &mut [T]) {
    let out = &mut out[..cols];
    out.fill(st(0.0));
    if cols == 0 {
        return;
    }
    for row in x[..rows * cols].chunks_exact(cols) {
        for (o, &xv) in out.iter_mut().zip(row) {
            *o = st(o.to_f64() + xv.to_f64());
        }
    }
    for o in out.iter_mut() {
        *o = st(o.to_f64() / divisor);
    }
}

/// out = p - y
pub fn subtract<T: Real>(len: usize, p: &[T], y: &[T], out: &mut [T]) {
    on_active_isa!(<T>(len: usize, p: &[T], y: &[T], out: &mut [T]) => subtract_body(len, p, y, out))
}

#[inline(always)]
fn subtract_body<T: Real>(len: usize, p: &[T], y: &[T], out: &mut [T]) {
    for ((o, &pv), &yv) in out[..len].iter_mut().zip(&p[..len]).zip(&y[..len]) {
        *o = st(pv.to_f64() - yv.to_f64());
    }
}

/// Math.sign: NaN stays NaN, +-0 stays +-0, else +-1 (f64::signum maps 0 to 1, so not that).
#[inline(always)]
fn js_sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

/// g = (g + alpha * w [+ l1 * sign(w)]) / divisor
pub fn finish_weight_gradient<T: Real>(len: usize, g: &mut [T], w: &[T], alpha: f64, l1: f64, divisor: f64) {
    on_active_isa!(<T>(len: usize, g: &mut [T], w: &[T], alpha: f64, l1: f64, divisor: f64) => finish_weight_gradient_body(len, g, w, alpha, l1, divisor))
}

#[inline(always)]
fn finish_weight_gradient_body<T: Real>(len: usize, g: &mut [T], w: &[T], alpha: f64, l1: f64, divisor: f64) {
    let (g, w) = (&mut g[..len], &w[..len]);
    if l1 == 0.0 {
        for (gv, &wv) in g.iter_mut().zip(w) {
            *gv = st((gv.to_f64() + alpha * wv.to_f64()) / divisor);
        }
    } else {
        for (gv, &wv) in g.iter_mut().zip(w) {
            let wv = wv.to_f64();
            *gv = st((gv.to_f64() + alpha * wv + l1 * js_sign(wv)) / divisor);
        }
    }
}

/// v = momentum * v - lr * g;  p += nesterov ? momentum * v - lr * g : v
pub fn sgd_step<T: Real>(len: usize, p: &mut [T], g: &[T], v: &mut [T], lr: f64, momentum: f64, nesterov: bool) {
    on_active_isa!(<T>(len: usize, p: &mut [T], g: &[T], v: &mut [T], lr: f64, momentum: f64, nesterov: bool) => sgd_step_body(len, p, g, v, lr, momentum, nesterov))
}

#[inline(always)]
fn sgd_step_body<T: Real>(len: usize, p: &mut [T], g: &[T], v: &mut [T], lr: f64, momentum: f64, nesterov: bool) {
    let (p, g, v) = (&mut p[..len], &g[..len], &mut v[..len]);
    for ((pv, &gv), vv) in p.iter_mut().zip(g).zip(v.iter_mut()) {
        let gv = gv.to_f64();
        *vv = st(momentum * vv.to_f64() - lr * gv);
        let vn = vv.to_f64();
        let update = if nesterov { momentum * vn - lr * gv } else { vn };
        *pv = st(pv.to_f64() + update);
    }
}

/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p += (-lrT m) / (sqrt(v) + eps)
#[allow(clippy::too_many_arguments)]
pub fn adam_step<T: Real>(len: usize, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], lr_t: f64, beta1: f64, beta2: f64, epsilon: f64) {
    on_active_isa!(<T>(len: usize, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], lr_t: f64, beta1: f64, beta2: f64, epsilon: f64) => adam_step_body(len, p, g, m, v, lr_t, beta1, beta2, epsilon))
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn adam_step_body<T: Real>(len: usize, p: &mut [T], g: &[T], m: &mut [T], v: &mut [T], lr_t: f64, beta1: f64, beta2: f64, epsilon: f64) {
    let one_minus_beta1 = 1.0 - beta1;
    let one_minus_beta2 = 1.0 - beta2;
    let (p, g, m, v) = (&mut p[..len], &g[..len], &mut m[..len], &mut v[..len]);
    for (((pv, &gv), mv), vv) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        let gi = gv.to_f64();
        *mv = st(beta1 * mv.to_f64() + one_minus_beta1 * gi);
        *vv = st(beta2 * vv.to_f64() + one_minus_beta2 * (gi * gi));
        *pv = st(pv.to_f64() + (-lr_t * mv.to_f64()) / (vv.to_f64().sqrt() + epsilon));
    }
}

/// dst row r = src row indices[start + r]; indices were checked to be in range.
pub fn gather_rows<T: Real>(cols: usize, src: &[T], indices: &[i32], dst: &mut [T]) {
    if cols == 0 {
        return;
    }
    for (row, &i) in dst.chunks_exact_mut(cols).zip(indices) {
        let from = i as usize * cols;
        row.copy_from_slice(&src[from..from + cols]);
    }
}

/// Sums f(x[i]) in f64 with 8 interleaved partial sums (lane j takes i = j mod 8), added pairwise
/// at the end: the adds no longer wait on each other, so the loop vectorises (a serial sum is
/// bound by add latency: measured 0.8 ns an element). BLAS's ddot, which numpy calls for the same
/// penalty, also splits the sum; the result differs from a serial sum only in the last bits.
#[inline(always)]
fn lane_sum<T: Real>(x: &[T], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = x.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for j in 0..8 {
            acc[j] += f(c[j].to_f64());
        }
    }
    for (j, &v) in tail.iter().enumerate() {
        acc[j] += f(v.to_f64());
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// sum of x[i] * x[i] (the L2 penalty's np.dot(w, w))
pub fn sum_squares<T: Real>(len: usize, x: &[T]) -> f64 {
    on_active_isa!(<T>(len: usize, x: &[T]) -> f64 => sum_squares_body(len, x))
}

#[inline(always)]
fn sum_squares_body<T: Real>(len: usize, x: &[T]) -> f64 {
    lane_sum(&x[..len], |v| v * v)
}

/// sum of |x[i]| (the L1 penalty)
pub fn sum_abs<T: Real>(len: usize, x: &[T]) -> f64 {
    on_active_isa!(<T>(len: usize, x: &[T]) -> f64 => sum_abs_body(len, x))
}

#[inline(always)]
fn sum_abs_body<T: Real>(len: usize, x: &[T]) -> f64 {
    lane_sum(&x[..len], f64::abs)
}
