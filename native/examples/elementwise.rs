//! Time per element of each activation, forward and backward, on every instruction-set level this
//! CPU has, beside the same forward pass written with std's scalar exp/tanh (what the kernels ran
//! before crate::vector_math); and vector_math's largest distance from std's exp and tanh.
//!
//!   cargo run --release --example elementwise [-- ROWS COLS]     (default 200 32: a small layer)
//!
//! The math modules are included by path so this binary does not link the Node-API glue.
#[path = "../src/activations.rs"]
mod activations;
#[path = "../src/isa.rs"]
#[allow(dead_code)]
mod isa;
#[path = "../src/kernels.rs"]
#[allow(dead_code)]
mod kernels;
#[path = "../src/real.rs"]
mod real;
#[path = "../src/vector_math.rs"]
mod vector_math;

use real::Real;
use std::hint::black_box;
use std::time::Instant;

const NAMES: [&str; 7] = ["identity", "relu", "logistic", "tanh", "softmax", "softsign", "softplus"];

/// Best of 5 rounds of nanoseconds per element, each round repeated to at least 20 ms.
fn ns_per_element(len: usize, mut call: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let (mut reps, start) = (0u64, Instant::now());
        while start.elapsed().as_secs_f64() < 0.02 {
            call();
            reps += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / (reps as f64 * len as f64));
    }
    best
}

/// Inputs in [-4, 4), refreshed from `z` before every pass so each pass sees the same values.
fn inputs<T: Real>(len: usize) -> Vec<T> {
    (0..len).map(|i| T::from_f64(((i * 7919) % 1000) as f64 / 125.0 - 4.0)).collect()
}

/// What logistic, tanh and softmax cost with std's scalar functions, the reference point.
fn std_forward<T: Real>(code: u32, cols: usize, x: &mut [T]) {
    match code {
        activations::LOGISTIC => x.iter_mut().for_each(|v| *v = T::from_f64(1.0 / (1.0 + (-v.to_f64()).exp()))),
        activations::TANH => x.iter_mut().for_each(|v| *v = T::from_f64(v.to_f64().tanh())),
        activations::SOFTMAX => {
            for row in x.chunks_exact_mut(cols) {
                let max = row.iter().fold(f64::NEG_INFINITY, |m, v| m.max(v.to_f64()));
                let mut sum = 0.0;
                for v in row.iter_mut() {
                    *v = T::from_f64((v.to_f64() - max).exp());
                    sum += v.to_f64();
                }
                row.iter_mut().for_each(|v| *v = T::from_f64(v.to_f64() / sum));
            }
        }
        _ => {}
    }
}

fn table<T: Real>(rows: usize, cols: usize) {
    let len = rows * cols;
    let z = inputs::<T>(len);
    let (mut x, mut delta) = (z.clone(), z.clone());
    for code in 0..activations::COUNT {
        let mut row = format!("{:<7} {:<9}", T::DTYPE, NAMES[code as usize]);
        if matches!(code, activations::LOGISTIC | activations::TANH | activations::SOFTMAX) {
            let t = ns_per_element(len, || {
                x.copy_from_slice(&z);
                std_forward(code, cols, black_box(&mut x));
            });
            row += &format!("  {t:>8.3}");
        } else {
            row += &format!("  {:>8}", "");
        }
        for level in isa::supported() {
            isa::force(Some(level)).unwrap();
            let fwd = ns_per_element(len, || {
                x.copy_from_slice(&z);
                activations::forward(code, rows, cols, black_box(&mut x));
            });
            let a = x.clone();
            let back = ns_per_element(len, || {
                delta.copy_from_slice(&z);
                activations::backward(code, rows, cols, &a, black_box(&mut delta));
            });
            row += &format!("  {fwd:>8.3} {back:>8.3}");
        }
        println!("{row}");
    }
    isa::force(None).unwrap();
}

/// The optimizer steps and the weight-gradient finish over `len` parameters, on every level.
fn steps<T: Real>(len: usize) {
    let z = inputs::<T>(len);
    let (mut p, mut m, mut v) = (z.clone(), z.clone(), z.clone());
    for v in v.iter_mut() {
        *v = T::from_f64(v.to_f64().abs());
    }
    let mut row = format!("{:<7} {len:>7} values", T::DTYPE);
    for level in isa::supported() {
        isa::force(Some(level)).unwrap();
        let adam = ns_per_element(len, || kernels::adam_step(len, black_box(&mut p), &z, &mut m, &mut v, 1e-3, 0.9, 0.999, 1e-8));
        let sgd = ns_per_element(len, || kernels::sgd_step(len, black_box(&mut p), &z, &mut m, 0.1, 0.9, true));
        let finish = ns_per_element(len, || kernels::finish_weight_gradient(len, black_box(&mut p), &z, 1e-4, 0.0, 200.0));
        row += &format!("  {adam:>8.3} {sgd:>8.3} {finish:>8.3}");
    }
    println!("{row}");
    isa::force(None).unwrap();
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (rows, cols) = (args.first().copied().unwrap_or(200), args.get(1).copied().unwrap_or(32));
    let levels = isa::supported();
    println!("ns per element, {rows}x{cols}, best of 5 rounds of 20+ ms (the copy of the inputs included)");
    let mut head = format!("{:<7} {:<9}  {:>8}", "dtype", "op", "std fwd");
    for l in &levels {
        head += &format!("  {:>8} {:>8}", format!("{} fwd", l.name()), "back");
    }
    println!("{head}");
    table::<f64>(rows, cols);
    table::<f32>(rows, cols);
    println!("\nns per value, adamStep, sgdStep (Nesterov) and finishWeightGradient, by level");
    let mut head = format!("{:<7} {:>14}", "dtype", "size");
    for l in &levels {
        head += &format!("  {:>8} {:>8} {:>8}", format!("{} adam", l.name()), "sgd", "finish");
    }
    println!("{head}");
    for len in [rows * cols, 784 * 128] {
        steps::<f64>(len);
        steps::<f32>(len);
    }

    for (name, ours, std, lo, hi) in [
        ("exp", vector_math::exp as fn(f64) -> f64, f64::exp as fn(f64) -> f64, -745.0, 709.78),
        ("tanh", vector_math::tanh, f64::tanh, -21.0, 21.0),
    ] {
        let (worst, at) = worst_ulps(ours, std, lo, hi, 10_000_000);
        println!("{name}: largest distance from std's {name} over 10^7 points of [{lo}, {hi}]: {worst} ulp (at {at})");
    }
}

/// The largest distance in ulps between `ours` and `std` over `steps` + 1 points of [lo, hi],
/// and where it is.
fn worst_ulps(ours: fn(f64) -> f64, std: fn(f64) -> f64, lo: f64, hi: f64, steps: usize) -> (u64, f64) {
    let (mut worst, mut at) = (0u64, lo);
    for i in 0..=steps {
        let x = lo + (hi - lo) * i as f64 / steps as f64;
        let d = (ours(x).to_bits() as i64 - std(x).to_bits() as i64).unsigned_abs();
        if d > worst {
            (worst, at) = (d, x);
        }
    }
    (worst, at)
}
