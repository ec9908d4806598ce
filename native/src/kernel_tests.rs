//! The kernels on every instruction-set level this CPU has, in Rust, without Node: what the
//! backend contract suite (libs/ffnn/test/backend-contract.test.ts) checks through the addon, for
//! the builds that suite cannot load. Above all the arm64 build, whose NEON paths this machine
//! runs under qemu-aarch64 (scripts/cargo-test.mjs): there `isa::supported()` is neon and
//! generic.
//!
//! - gemm through ops::gemm (its routing: the panel kernel, the gemm crate) against a plain triple
//!   loop in f64, every transpose, alpha and beta, shapes at and around the tiles' edges, on one
//!   and two threads;
//! - the fused layer steps against the separate calls, bit for bit;
//! - every elementwise kernel on each level against the generic level, bit for bit.
//!
//! The level is global state (isa::force), so the tests take LEVEL_LOCK: cargo runs tests on
//! several threads.

use crate::gemm::{self, Scalar};
use crate::isa::{self, Isa};
use crate::ops;
use crate::real::Real;
use std::sync::Mutex;

static LEVEL_LOCK: Mutex<()> = Mutex::new(());

/// Runs `f` once per level this CPU has, forced, then restores the best; one test at a time.
fn on_each_level(mut f: impl FnMut(Isa)) {
    let _guard = LEVEL_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    for level in isa::supported() {
        isa::force(Some(level)).unwrap();
        f(level);
    }
    isa::force(None).unwrap();
}

/// Deterministic values in [lo, hi): a 64-bit LCG, so the tests need no crate.
fn values<T: Real>(len: usize, seed: u64, lo: f64, hi: f64) -> Vec<T> {
    let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    (0..len)
        .map(|_| {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            T::from_f64(lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64))
        })
        .collect()
}

/// C = alpha op(A) op(B) + beta C in f64 by the definition, with the sum of |terms| per entry.
#[allow(clippy::too_many_arguments)]
fn reference<T: Real>(
    ta: bool,
    tb: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: f64,
    a: &[T],
    b: &[T],
    beta: f64,
    c: &[T],
) -> (Vec<f64>, Vec<f64>) {
    let at = |i: usize, p: usize| if ta { a[p * m + i] } else { a[i * k + p] }.to_f64();
    let bt = |p: usize, j: usize| if tb { b[j * k + p] } else { b[p * n + j] }.to_f64();
    let (mut want, mut scale) = (vec![0.0; m * n], vec![0.0; m * n]);
    for i in 0..m {
        for j in 0..n {
            let (mut sum, mut abs) = (0.0, 0.0);
            for p in 0..k {
                sum += at(i, p) * bt(p, j);
                abs += (at(i, p) * bt(p, j)).abs();
            }
            let old = if beta == 0.0 { 0.0 } else { beta * c[i * n + j].to_f64() };
            want[i * n + j] = alpha * sum + old;
            scale[i * n + j] = alpha.abs() * abs + old.abs() + 1e-300;
        }
    }
    (want, scale)
}

/// The shapes: tiny, the tiles' edges (6, 12, 16, 32 and one past), and the training shapes cut
/// down (k = 128 or 200 crosses a kc block; n = 10 is the output layer's thin path).
const SHAPES: [(usize, usize, usize); 9] =
    [(1, 1, 1), (3, 5, 7), (6, 32, 128), (7, 33, 129), (12, 16, 40), (13, 17, 200), (200, 10, 64), (64, 130, 33), (97, 64, 150)];

fn gemm_agrees<T: Scalar>(tol: f64) {
    on_each_level(|level| {
        for threads in [1, 2] {
            gemm::set_max_threads(threads);
            for (s, &(m, n, k)) in SHAPES.iter().enumerate() {
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    for (alpha, beta) in [(1.0, 0.0), (0.5, 0.25)] {
                        let a = values::<T>(m * k, s as u64 * 10 + 1, -1.0, 1.0);
                        let b = values::<T>(k * n, s as u64 * 10 + 2, -1.0, 1.0);
                        let mut c = values::<T>(m * n + 1, s as u64 * 10 + 3, -1.0, 1.0);
                        let spare = c[m * n].to_f64();
                        let (want, scale) = reference(ta, tb, m, n, k, alpha, &a, &b, beta, &c);
                        ops::gemm(ta, tb, m as f64, n as f64, k as f64, alpha, &a, &b, beta, &mut c).unwrap();
                        for i in 0..m * n {
                            let err = (c[i].to_f64() - want[i]).abs();
                            assert!(
                                err <= tol * scale[i],
                                "{} {}: {m}x{n}x{k} ta={ta} tb={tb} alpha={alpha} beta={beta} threads={threads}: [{i}] got {}, want {}",
                                T::DTYPE,
                                level.name(),
                                c[i].to_f64(),
                                want[i]
                            );
                        }
                        assert_eq!(c[m * n].to_f64().to_bits(), spare.to_bits(), "the entry past C is left alone");
                    }
                }
            }
        }
        gemm::set_max_threads(0);
    });
}

#[test]
fn gemm_matches_the_definition_on_every_level_f64() {
    // a sum of k <= 200 products errs by at most about k 2^-53 of the sum of |terms|
    gemm_agrees::<f64>(1e-13);
}

#[test]
fn gemm_matches_the_definition_on_every_level_f32() {
    // float32 products and sums: about sqrt(k) 2^-24 of the sum of |terms|, 1e-5 with room
    gemm_agrees::<f32>(1e-5);
}

/// The layer steps equal gemm followed by the separate elementwise calls, bit for bit.
fn fused_equal_separate<T: Scalar>() {
    let (rows, fan_in, fan_out) = (37, 29, 18);
    on_each_level(|level| {
        for code in 0..7u32 {
            let a = values::<T>(rows * fan_in, 1, -2.0, 2.0);
            let w = values::<T>(fan_in * fan_out, 2, -1.0, 1.0);
            let bias = values::<T>(fan_out, 3, -1.0, 1.0);
            let mut fused = vec![T::from_f64(0.0); rows * fan_out];
            ops::linear_forward(rows as f64, fan_in as f64, fan_out as f64, &a, &w, &bias, code as f64, &mut fused).unwrap();
            let mut parts = vec![T::from_f64(0.0); rows * fan_out];
            ops::gemm(false, false, rows as f64, fan_out as f64, fan_in as f64, 1.0, &a, &w, 0.0, &mut parts).unwrap();
            ops::add_row_vector(rows as f64, fan_out as f64, &mut parts, &bias).unwrap();
            ops::activate(code as f64, rows as f64, fan_out as f64, &mut parts).unwrap();
            assert!(same_bits(&fused, &parts), "{} {}: linearForward, activation {code}", T::DTYPE, level.name());

            let delta = values::<T>(rows * fan_out, 4, -1.0, 1.0);
            let mut below = a.clone();
            ops::activate(code as f64, rows as f64, fan_in as f64, &mut below).unwrap();
            let mut fused = vec![T::from_f64(0.0); rows * fan_in];
            ops::linear_backward(rows as f64, fan_in as f64, fan_out as f64, &delta, &w, code as f64, &below, &mut fused).unwrap();
            let mut parts = vec![T::from_f64(0.0); rows * fan_in];
            ops::gemm(false, true, rows as f64, fan_in as f64, fan_out as f64, 1.0, &delta, &w, 0.0, &mut parts).unwrap();
            ops::activation_backward(code as f64, rows as f64, fan_in as f64, &below, &mut parts).unwrap();
            assert!(same_bits(&fused, &parts), "{} {}: linearBackward, activation {code}", T::DTYPE, level.name());
        }
        let (a, delta, w) = (
            values::<T>(rows * fan_in, 5, -1.0, 1.0),
            values::<T>(rows * fan_out, 6, -1.0, 1.0),
            values::<T>(fan_in * fan_out, 7, -1.0, 1.0),
        );
        let mut fused = vec![T::from_f64(0.0); fan_in * fan_out];
        ops::weight_gradient(fan_in as f64, fan_out as f64, rows as f64, &a, &delta, &w, 1e-4, 1e-3, rows as f64, &mut fused).unwrap();
        let mut parts = vec![T::from_f64(0.0); fan_in * fan_out];
        ops::gemm(true, false, fan_in as f64, fan_out as f64, rows as f64, 1.0, &a, &delta, 0.0, &mut parts).unwrap();
        ops::finish_weight_gradient((fan_in * fan_out) as f64, &mut parts, &w, 1e-4, 1e-3, rows as f64).unwrap();
        assert!(same_bits(&fused, &parts), "{} {}: weightGradient", T::DTYPE, level.name());
    });
}

fn same_bits<T: Real>(x: &[T], y: &[T]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(a, b)| a.to_f64().to_bits() == b.to_f64().to_bits())
}

#[test]
fn fused_layer_steps_equal_the_separate_calls() {
    fused_equal_separate::<f64>();
    fused_equal_separate::<f32>();
}

/// Every elementwise kernel once on fresh copies of the same inputs; every output, as f64 bits.
fn elementwise_outputs<T: Real>() -> Vec<u64> {
    let (rows, cols) = (23, 19);
    let len = rows * cols;
    let mut out: Vec<T> = Vec::new();
    for code in 0..7u32 {
        let mut a = values::<T>(len, 10 + code as u64, -30.0, 30.0);
        a[0] = T::from_f64(f64::NAN);
        a[1] = T::from_f64(-750.0);
        a[2] = T::from_f64(1e-300);
        ops::activate(code as f64, rows as f64, cols as f64, &mut a).unwrap();
        let mut delta = values::<T>(len, 20 + code as u64, -1.0, 1.0);
        ops::activation_backward(code as f64, rows as f64, cols as f64, &a, &mut delta).unwrap();
        out.extend(a.iter().chain(&delta));
    }
    let mut x = values::<T>(len, 30, -1.0, 1.0);
    ops::add_row_vector(rows as f64, cols as f64, &mut x, &values::<T>(cols, 31, -1.0, 1.0)).unwrap();
    let mut means = vec![T::from_f64(0.0); cols];
    ops::column_means(rows as f64, cols as f64, &x, rows as f64, &mut means).unwrap();
    let mut g = values::<T>(len, 32, -1.0, 1.0);
    ops::finish_weight_gradient(len as f64, &mut g, &values::<T>(len, 33, -1.0, 1.0), 1e-4, 1e-3, 200.0).unwrap();
    let (mut p, mut v) = (values::<T>(len, 34, -1.0, 1.0), values::<T>(len, 35, -0.1, 0.1));
    ops::sgd_step(len as f64, &mut p, &g, &mut v, 0.1, 0.9, true).unwrap();
    let (mut m, mut v2) = (values::<T>(len, 36, -0.1, 0.1), values::<T>(len, 37, 0.0, 0.01));
    ops::adam_step(len as f64, &mut p, &g, &mut m, &mut v2, 1e-3, 0.9, 0.999, 1e-8).unwrap();
    let mut y = vec![T::from_f64(0.0); len];
    ops::subtract(len as f64, &p, &g, &mut y).unwrap();
    for part in [&x, &means, &g, &p, &v, &m, &v2, &y] {
        out.extend(part.iter());
    }
    let mut bits: Vec<u64> = out.iter().map(|v| v.to_f64().to_bits()).collect();
    bits.push(ops::sum_squares(len as f64, &g).unwrap().to_bits());
    bits.push(ops::sum_abs(len as f64, &g).unwrap().to_bits());
    bits
}

#[test]
fn every_level_gives_the_same_bits_on_the_elementwise_kernels() {
    let mut by_level: Vec<(Isa, Vec<u64>, Vec<u64>)> = Vec::new();
    on_each_level(|level| by_level.push((level, elementwise_outputs::<f64>(), elementwise_outputs::<f32>())));
    let (_, want64, want32) = by_level.last().expect("generic is always supported").clone();
    for (level, got64, got32) in &by_level {
        assert!(got64 == &want64, "float64 on {} differs from generic", level.name());
        assert!(got32 == &want32, "float32 on {} differs from generic", level.name());
    }
}

#[test]
fn the_levels_this_build_tests() {
    // so that a build where detection failed cannot pass on the generic level alone
    let levels = isa::supported();
    #[cfg(target_arch = "aarch64")]
    assert!(levels.contains(&Isa::Neon), "an arm64 build must test NEON: {levels:?}");
    #[cfg(target_arch = "x86_64")]
    assert!(levels.contains(&Isa::Sse2), "an x86-64 build must test SSE2: {levels:?}");
    assert!(levels.contains(&Isa::Generic), "{levels:?}");
}
