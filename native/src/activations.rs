//! Activations in place and their backward passes, in terms of the layer OUTPUT a = f(z).
//! Codes match ACTIVATION_CODES in libs/ffnn/src/backend/backend.ts; the op order matches
//! libs/ffnn/src/activations.ts (and scikit-learn's `_base.py`) operation for operation.
//!
//! e^x and tanh are crate::vector_math's (within 1 and 4 ulp of libm, branch-free, so the loops
//! that call them vectorise); each pass is compiled once per instruction-set level and runs on the
//! level the products run on (crate::isa), so the wide vectors are used where the CPU has them.
//! The levels compute the same bits (no fused multiply-add anywhere here).

use crate::isa::on_active_isa;
use crate::real::Real;
use crate::vector_math::{exp, tanh};

pub const IDENTITY: u32 = 0;
pub const RELU: u32 = 1;
pub const LOGISTIC: u32 = 2;
pub const TANH: u32 = 3;
pub const SOFTMAX: u32 = 4;
pub const SOFTSIGN: u32 = 5;
pub const SOFTPLUS: u32 = 6;
pub const COUNT: u32 = 7;

#[inline(always)]
fn map<T: Real>(x: &mut [T], f: impl Fn(f64) -> f64) {
    for v in x.iter_mut() {
        *v = T::from_f64(f(v.to_f64()));
    }
}

/// delta[i] = delta[i] * d(a[i]), one rounding.
#[inline(always)]
fn scale_by<T: Real>(a: &[T], delta: &mut [T], d: impl Fn(f64) -> f64) {
    for (dv, &av) in delta.iter_mut().zip(a) {
        *dv = T::from_f64(dv.to_f64() * d(av.to_f64()));
    }
}

/// x = f(x) over the first rows * cols entries (softmax by row). `code` < COUNT.
pub fn forward<T: Real>(code: u32, rows: usize, cols: usize, x: &mut [T]) {
    on_active_isa!(<T>(code: u32, rows: usize, cols: usize, x: &mut [T]) => forward_body(code, rows, cols, x))
}

/// delta = delta * f'(z) in place, f' from the output a. `code` < COUNT.
pub fn backward<T: Real>(code: u32, rows: usize, cols: usize, a: &[T], delta: &mut [T]) {
    on_active_isa!(<T>(code: u32, rows: usize, cols: usize, a: &[T], delta: &mut [T]) => backward_body(code, rows, cols, a, delta))
}

// Named functions, not closures, for the passes that call exp: a closure this size is not always
// inlined into the loop, and a call per element keeps the loop scalar (measured: 1.2 ns an element
// for logistic on AVX-512 instead of 0.2).

/// scipy's expit: 1 / (1 + exp(-z))
#[inline(always)]
fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + exp(-z))
}

/// max(z, 0) + log1p(exp(-|z|)), with Math.max's NaN propagation
#[inline(always)]
fn softplus(z: f64) -> f64 {
    let m = if z.is_nan() || z > 0.0 { z } else { 0.0 };
    m + exp(-z.abs()).ln_1p()
}

#[inline(always)]
fn forward_body<T: Real>(code: u32, rows: usize, cols: usize, x: &mut [T]) {
    let x = &mut x[..rows * cols];
    match code {
        IDENTITY => {}
        // np.maximum(z, 0): NaN stays NaN, -0 becomes +0
        // z <= 0 is false for NaN and true for -0. The store is unconditional (a select, not a
        // branch): relu inputs are half negative at random, and a conditional store mispredicts
        // about every other element (measured: 4 ns vs 0.3 ns an element on 109,184 floats).
        RELU => {
            for v in x.iter_mut() {
                let z = v.to_f64();
                *v = T::from_f64(if z <= 0.0 { 0.0 } else { z });
            }
        }
        LOGISTIC => map(x, logistic),
        TANH => map(x, tanh),
        // z / (1 + |z|)
        SOFTSIGN => map(x, |z| z / (1.0 + z.abs())),
        SOFTPLUS => map(x, softplus),
        // by row: subtract the max, exp, divide by the sum of the stored exps
        SOFTMAX => {
            if cols == 0 {
                return;
            }
            for row in x.chunks_exact_mut(cols) {
                let mut max = f64::NEG_INFINITY;
                for v in row.iter() {
                    if v.to_f64() > max {
                        max = v.to_f64();
                    }
                }
                // the exps in one pass (it vectorises), their sum in order in another
                for v in row.iter_mut() {
                    *v = T::from_f64(exp(v.to_f64() - max));
                }
                let mut sum = 0.0f64;
                for v in row.iter() {
                    sum += v.to_f64();
                }
                for v in row.iter_mut() {
                    *v = T::from_f64(v.to_f64() / sum);
                }
            }
        }
        _ => unreachable!("activation code checked by the caller"),
    }
}

#[inline(always)]
fn backward_body<T: Real>(code: u32, rows: usize, cols: usize, a: &[T], delta: &mut [T]) {
    let len = rows * cols;
    let (a, delta) = (&a[..len], &mut delta[..len]);
    match code {
        IDENTITY => {}
        // sklearn: delta[a == 0] = 0
        RELU => {
            // a select, not a branch (see forward)
            for (dv, &av) in delta.iter_mut().zip(a) {
                let d = dv.to_f64();
                *dv = T::from_f64(if av.to_f64() == 0.0 { 0.0 } else { d });
            }
        }
        // sklearn: delta *= a; delta *= (1 - a), two roundings
        LOGISTIC => {
            for (dv, &av) in delta.iter_mut().zip(a) {
                let a = av.to_f64();
                *dv = T::from_f64(dv.to_f64() * a);
                *dv = T::from_f64(dv.to_f64() * (1.0 - a));
            }
        }
        // delta *= 1 - a * a
        TANH => scale_by(a, delta, |a| 1.0 - a * a),
        // f' = (1 - |a|)^2
        SOFTSIGN => scale_by(a, delta, |a| {
            let d = 1.0 - a.abs();
            d * d
        }),
        // f' = sigmoid(z) = 1 - e^(-a) = -expm1(-a)
        SOFTPLUS => scale_by(a, delta, |a| -(-a).exp_m1()),
        // JVP by row: delta = a * (delta - sum(delta * a))
        SOFTMAX => {
            if cols == 0 {
                return;
            }
            for (drow, arow) in delta.chunks_exact_mut(cols).zip(a.chunks_exact(cols)) {
                let mut dot = 0.0f64;
                for (dv, av) in drow.iter().zip(arow) {
                    dot += dv.to_f64() * av.to_f64();
                }
                for (dv, av) in drow.iter_mut().zip(arow) {
                    *dv = T::from_f64(av.to_f64() * (dv.to_f64() - dot));
                }
            }
        }
        _ => unreachable!("activation code checked by the caller"),
    }
}
