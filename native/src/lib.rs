//! The Node-API seam: #[napi] functions only. Each takes zero-copy typed-array views (napi-rs
//! turns `&[f64]` / `&mut [f32]` into views of the caller's Float64Array / Float32Array for the
//! length of the call, so nothing is copied or allocated), hands them to the checked operations in
//! ops.rs, and turns a KernelError into a JS Error whose `code` is the stable code
//! (SHAPE_MISMATCH, INVALID_PARAM, INDEX_OUT_OF_RANGE, ALIASED_BUFFERS). One function per kernel
//! and dtype; napi-rs names them in camelCase (gemm_f64 -> gemmF64). Dimensions arrive as JS
//! numbers (f64) and are checked to be integers by ops.rs.
//!
//! The seam is the default cargo feature `napi`; without it (the wasm32 build, see
//! scripts/build-wasm.mjs) the same math modules are exported as C-ABI functions by wasm.rs.

// without the seam, the functions only it calls (thread and instruction-set control) are unused
#![cfg_attr(not(feature = "napi"), allow(dead_code))]

mod activations;
mod gemm;
mod isa;
#[cfg(test)]
mod kernel_tests;
mod kernels;
mod ops;
mod panel;
mod real;
mod spin_pool;
mod vector_math;
#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(feature = "napi")]
use napi::bindgen_prelude::{Float32ArraySlice, Float64ArraySlice};
#[cfg(feature = "napi")]
use napi::Error;
#[cfg(feature = "napi")]
use napi_derive::napi;

/// napi-derive recognises a fallible function by the name `Result`, so the alias keeps it.
#[cfg(feature = "napi")]
type Result<T> = std::result::Result<T, Error<&'static str>>;

#[cfg(feature = "napi")]
fn js(e: ops::KernelError) -> Error<&'static str> {
    Error::new(e.code.as_str(), e.message)
}

/// Who computes the large products now: "gemm-crate", "panel" (ffnn's own kernel) or "openblas".
#[cfg(feature = "napi")]
#[napi]
pub fn gemm_implementation() -> String {
    gemm::implementation().to_string()
}

/// The gemm kernel that runs now: instruction set, implementations, threads.
#[cfg(feature = "napi")]
#[napi(object)]
pub struct GemmKernel {
    /// The instruction set the kernels run on ("avx512", "avx2-fma", "sse2", "neon", "generic").
    pub isa: String,
    /// The best instruction set this CPU has (isa differs only when a lower one is forced).
    pub detected: String,
    /// Every instruction set this CPU can run, best first (the values setGemmIsa accepts).
    pub supported: Vec<String>,
    /// Who computes the products that are not thin: "gemm-crate", "panel", "openblas".
    pub large: String,
    /// That implementation with its version, e.g. "gemm 0.19.0".
    pub large_name: String,
    /// Thin products (no A^T, n or k <= panelMaxN) run on ffnn's panel kernel.
    pub panel_max_n: u32,
    /// Threads a large product may use (setMaxThreads).
    pub threads: u32,
    /// m * n * k below which a product runs on one thread.
    pub parallel_min_flops: f64,
    /// All of the above in one line, for headers and `ffnn info`.
    pub description: String,
}

#[cfg(feature = "napi")]
#[napi]
pub fn gemm_kernel() -> GemmKernel {
    let k = gemm::kernel_info();
    GemmKernel {
        isa: k.isa.into(),
        detected: k.detected.into(),
        supported: isa::supported().iter().map(|i| i.name().to_string()).collect(),
        large: k.large.into(),
        large_name: k.large_name,
        panel_max_n: k.panel_max_n as u32,
        threads: k.threads as u32,
        parallel_min_flops: k.parallel_min_flops as f64,
        description: gemm::describe(),
    }
}

/// Forces the gemm kernels onto one instruction set (one of gemmKernel().supported), or back to
/// the best the CPU has with null. Returns the active one. The environment variable
/// FFNN_GEMM_ISA does the same at load time.
#[cfg(feature = "napi")]
#[napi]
pub fn set_gemm_isa(name: Option<String>) -> Result<String> {
    let isa = match name.as_deref() {
        None => None,
        Some(n) => match isa::Isa::parse(n) {
            Some(i) => Some(i),
            None => {
                let all: Vec<&str> = isa::Isa::ALL.iter().map(|i| i.name()).collect();
                return Err(Error::new("INVALID_PARAM", format!("INVALID_PARAM: setGemmIsa: expected one of {}, got {n}", all.join(", "))));
            }
        },
    };
    isa::force(isa).map(|i| i.name().to_string()).map_err(|e| Error::new("INVALID_PARAM", format!("INVALID_PARAM: setGemmIsa: {e}")))
}

/// Caps the threads gemm may use; 0 restores the default (all cores). Products smaller than
/// `parallelMinFlops()` always run on one thread.
#[cfg(feature = "napi")]
#[napi]
pub fn set_max_threads(n: u32) {
    gemm::set_max_threads(n as usize);
}

#[cfg(feature = "napi")]
#[napi]
pub fn max_threads() -> u32 {
    gemm::max_threads() as u32
}

/// m * n * k below which a product runs on one thread.
#[cfg(feature = "napi")]
#[napi]
pub fn parallel_min_flops() -> f64 {
    gemm::PARALLEL_MIN_FLOPS as f64
}

// ---- the kernels, once per dtype: float64 (the parity dtype) and float32 (the speed dtype) ----

/// One #[napi] function per kernel for the element type `$t` (named `<kernel>_<$t>`, which napi-rs
/// exports in camelCase: gemm_f64 -> gemmF64), whose typed array napi-rs views as `$slice`.
/// Dimensions and scalars are JS numbers (f64) in both.
#[cfg(feature = "napi")]
macro_rules! dtype_bindings {
    ($t:ident, $slice:ident) => {
        paste::paste! {
            #[napi]
            #[allow(clippy::too_many_arguments)]
            pub fn [<gemm_ $t>](
                trans_a: bool,
                trans_b: bool,
                m: f64,
                n: f64,
                k: f64,
                alpha: f64,
                a: &[$t],
                b: &[$t],
                beta: f64,
                mut c: $slice,
            ) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let c = unsafe { c.as_mut() };
                ops::gemm(trans_a, trans_b, m, n, k, alpha, a, b, beta, c).map_err(js)
            }

            #[napi]
            pub fn [<add_row_vector_ $t>](rows: f64, cols: f64, mut x: $slice, v: &[$t]) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let x = unsafe { x.as_mut() };
                ops::add_row_vector(rows, cols, x, v).map_err(js)
            }

            #[napi]
            pub fn [<column_means_ $t>](rows: f64, cols: f64, x: &[$t], divisor: f64, mut out: $slice) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let out = unsafe { out.as_mut() };
                ops::column_means(rows, cols, x, divisor, out).map_err(js)
            }

            #[napi]
            pub fn [<activate_ $t>](activation: f64, rows: f64, cols: f64, mut x: $slice) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let x = unsafe { x.as_mut() };
                ops::activate(activation, rows, cols, x).map_err(js)
            }

            #[napi]
            pub fn [<activation_backward_ $t>](activation: f64, rows: f64, cols: f64, a: &[$t], mut delta: $slice) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let delta = unsafe { delta.as_mut() };
                ops::activation_backward(activation, rows, cols, a, delta).map_err(js)
            }

            #[napi]
            pub fn [<subtract_ $t>](length: f64, p: &[$t], y: &[$t], mut out: $slice) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let out = unsafe { out.as_mut() };
                ops::subtract(length, p, y, out).map_err(js)
            }

            #[napi]
            pub fn [<finish_weight_gradient_ $t>](length: f64, mut g: $slice, w: &[$t], alpha: f64, l1: f64, divisor: f64) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let g = unsafe { g.as_mut() };
                ops::finish_weight_gradient(length, g, w, alpha, l1, divisor).map_err(js)
            }

            #[napi]
            pub fn [<sgd_step_ $t>](
                length: f64,
                mut p: $slice,
                g: &[$t],
                mut v: $slice,
                lr: f64,
                momentum: f64,
                nesterov: bool,
            ) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let p = unsafe { p.as_mut() };
                let v = unsafe { v.as_mut() };
                ops::sgd_step(length, p, g, v, lr, momentum, nesterov).map_err(js)
            }

            #[napi]
            #[allow(clippy::too_many_arguments)]
            pub fn [<adam_step_ $t>](
                length: f64,
                mut p: $slice,
                g: &[$t],
                mut m: $slice,
                mut v: $slice,
                lr_t: f64,
                beta1: f64,
                beta2: f64,
                epsilon: f64,
            ) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let p = unsafe { p.as_mut() };
                let m = unsafe { m.as_mut() };
                let v = unsafe { v.as_mut() };
                ops::adam_step(length, p, g, m, v, lr_t, beta1, beta2, epsilon).map_err(js)
            }

            #[napi]
            pub fn [<sum_squares_ $t>](length: f64, x: &[$t]) -> Result<f64> {
                ops::sum_squares(length, x).map_err(js)
            }

            #[napi]
            pub fn [<sum_abs_ $t>](length: f64, x: &[$t]) -> Result<f64> {
                ops::sum_abs(length, x).map_err(js)
            }

            #[napi]
            pub fn [<gather_rows_ $t>](cols: f64, src: &[$t], indices: &[i32], start: f64, count: f64, mut dst: $slice) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let dst = unsafe { dst.as_mut() };
                ops::gather_rows(cols, src, indices, start, count, dst).map_err(js)
            }


            #[napi]
            #[allow(clippy::too_many_arguments)]
            pub fn [<linear_forward_ $t>](
                rows: f64,
                fan_in: f64,
                fan_out: f64,
                a: &[$t],
                w: &[$t],
                bias: &[$t],
                activation: f64,
                mut out: $slice,
            ) -> Result<()> {
                // SAFETY: the JS thread waits for this synchronous call, and ops checks that no output
                // overlaps another argument before reading or writing.
                let out = unsafe { out.as_mut() };
                ops::linear_forward(rows, fan_in, fan_out, a, w, bias, activation, out).map_err(js)
            }

            #[napi]
            #[allow(clippy::too_many_arguments)]
            pub fn [<linear_backward_ $t>](
                rows: f64,
                fan_in: f64,
                fan_out: f64,
                delta: &[$t],
                w: &[$t],
                activation: f64,
                a: &[$t],
                mut out: $slice,
            ) -> Result<()> {
                // SAFETY: as in linear_forward.
                let out = unsafe { out.as_mut() };
                ops::linear_backward(rows, fan_in, fan_out, delta, w, activation, a, out).map_err(js)
            }

            #[napi]
            #[allow(clippy::too_many_arguments)]
            pub fn [<weight_gradient_ $t>](
                fan_in: f64,
                fan_out: f64,
                rows: f64,
                a: &[$t],
                delta: &[$t],
                w: &[$t],
                alpha: f64,
                l1: f64,
                divisor: f64,
                mut out: $slice,
            ) -> Result<()> {
                // SAFETY: as in linear_forward.
                let out = unsafe { out.as_mut() };
                ops::weight_gradient(fan_in, fan_out, rows, a, delta, w, alpha, l1, divisor, out).map_err(js)
            }
        }
    };
}

#[cfg(feature = "napi")]
dtype_bindings!(f64, Float64ArraySlice);
#[cfg(feature = "napi")]
dtype_bindings!(f32, Float32ArraySlice);
