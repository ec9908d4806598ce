//! The WebAssembly seam: the same checked operations as the Node-API seam in lib.rs, exported as
//! plain C-ABI functions over linear memory (no wasm-bindgen), for libs/ffnn/src/backend/wasm.ts.
//! Built by scripts/build-wasm.mjs for wasm32-unknown-unknown with simd128 and without the `napi`
//! feature.
//!
//! JS typed arrays live outside wasm memory, so the caller copies each call's arrays into one
//! arena (`ffnn_arena`: a buffer that only grows, reused by every call), passes (pointer, length)
//! pairs, and copies outputs back. Every kernel returns 0, or an error code (1 SHAPE_MISMATCH,
//! 2 INVALID_PARAM, 3 INDEX_OUT_OF_RANGE, 4 ALIASED_BUFFERS) with the message, "CODE: op: detail"
//! as the addon's, readable at `ffnn_error_ptr()` (`ffnn_error_len()` UTF-8 bytes). Dimensions
//! and activation codes arrive as f64 (JS numbers, checked by ops.rs); booleans as 0 or 1.
//! wasm is single-threaded here, so every product runs on the panel kernel on one thread
//! (gemm.rs routes to it: no thread can be spawned and the gemm crate has no simd128 level).

use crate::gemm;
use crate::ops::{self, Code, KernelError};
use std::cell::RefCell;

thread_local! {
    /// The call arena, in u64 words so it is 8-byte aligned for f64.
    static ARENA: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The arena, grown to at least `bytes` (its old contents are not kept). The pointer stays valid
/// until the next call to ffnn_arena; memory may have grown, so the caller re-creates its views.
#[no_mangle]
pub extern "C" fn ffnn_arena(bytes: usize) -> *mut u8 {
    ARENA.with_borrow_mut(|a| {
        let words = bytes.div_ceil(8);
        if a.len() < words {
            *a = Vec::new(); // free first: a copy of the old contents is not wanted
            a.resize(words, 0);
        }
        a.as_mut_ptr() as *mut u8
    })
}

#[no_mangle]
pub extern "C" fn ffnn_error_ptr() -> *const u8 {
    LAST_ERROR.with_borrow(|e| e.as_ptr())
}

#[no_mangle]
pub extern "C" fn ffnn_error_len() -> usize {
    LAST_ERROR.with_borrow(|e| e.len())
}

/// The kernel description (gemm.rs's describe()), read like the error message.
#[no_mangle]
pub extern "C" fn ffnn_describe() -> usize {
    let d = gemm::describe();
    let len = d.len();
    LAST_ERROR.with_borrow_mut(|e| *e = d);
    len
}

fn status(r: Result<(), KernelError>) -> u32 {
    match r {
        Ok(()) => 0,
        Err(e) => {
            LAST_ERROR.with_borrow_mut(|m| *m = e.message);
            match e.code {
                Code::ShapeMismatch => 1,
                Code::InvalidParam => 2,
                Code::IndexOutOfRange => 3,
                Code::AliasedBuffers => 4,
            }
        }
    }
}

/// A slice over (pointer, length) from the caller; a zero length never dereferences the pointer.
///
/// SAFETY: the caller (wasm.ts) passes ranges inside the arena it reserved. Outputs may overlap
/// inputs only when the JS arrays did, and then ops.rs refuses the call before reading or writing.
unsafe fn s<'a, T>(p: *const T, len: usize) -> &'a [T] {
    if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(p, len)
    }
}

unsafe fn sm<'a, T>(p: *mut T, len: usize) -> &'a mut [T] {
    if len == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(p, len)
    }
}

/// One export per kernel for a dtype; the names are spelled out (gemm_f64, ...) so they can be
/// found by grep.
macro_rules! exports {
    ($t:ty, $gemm:ident, $add_row_vector:ident, $column_means:ident, $activate:ident, $activation_backward:ident,
     $subtract:ident, $finish_weight_gradient:ident, $sgd_step:ident, $adam_step:ident, $sum_squares:ident, $sum_abs:ident,
     $gather_rows:ident, $linear_forward:ident, $linear_backward:ident, $weight_gradient:ident) => {
        /// # Safety
        /// See `s`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $linear_forward(
            rows: f64,
            fan_in: f64,
            fan_out: f64,
            a: *const $t,
            a_len: usize,
            w: *const $t,
            w_len: usize,
            bias: *const $t,
            bias_len: usize,
            code: f64,
            out: *mut $t,
            out_len: usize,
        ) -> u32 {
            status(ops::linear_forward(rows, fan_in, fan_out, s(a, a_len), s(w, w_len), s(bias, bias_len), code, sm(out, out_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $linear_backward(
            rows: f64,
            fan_in: f64,
            fan_out: f64,
            delta: *const $t,
            delta_len: usize,
            w: *const $t,
            w_len: usize,
            code: f64,
            a: *const $t,
            a_len: usize,
            out: *mut $t,
            out_len: usize,
        ) -> u32 {
            status(ops::linear_backward(rows, fan_in, fan_out, s(delta, delta_len), s(w, w_len), code, s(a, a_len), sm(out, out_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $weight_gradient(
            fan_in: f64,
            fan_out: f64,
            rows: f64,
            a: *const $t,
            a_len: usize,
            delta: *const $t,
            delta_len: usize,
            w: *const $t,
            w_len: usize,
            alpha: f64,
            l1: f64,
            divisor: f64,
            out: *mut $t,
            out_len: usize,
        ) -> u32 {
            status(ops::weight_gradient(
                fan_in,
                fan_out,
                rows,
                s(a, a_len),
                s(delta, delta_len),
                s(w, w_len),
                alpha,
                l1,
                divisor,
                sm(out, out_len),
            ))
        }

        /// # Safety
        /// Every (pointer, length) pair is a range of the arena (see `s`).
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $gemm(
            ta: u32,
            tb: u32,
            m: f64,
            n: f64,
            k: f64,
            alpha: f64,
            a: *const $t,
            a_len: usize,
            b: *const $t,
            b_len: usize,
            beta: f64,
            c: *mut $t,
            c_len: usize,
        ) -> u32 {
            status(ops::gemm(ta != 0, tb != 0, m, n, k, alpha, s(a, a_len), s(b, b_len), beta, sm(c, c_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        pub unsafe extern "C" fn $add_row_vector(rows: f64, cols: f64, x: *mut $t, x_len: usize, v: *const $t, v_len: usize) -> u32 {
            status(ops::add_row_vector(rows, cols, sm(x, x_len), s(v, v_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        pub unsafe extern "C" fn $column_means(
            rows: f64,
            cols: f64,
            x: *const $t,
            x_len: usize,
            divisor: f64,
            out: *mut $t,
            out_len: usize,
        ) -> u32 {
            status(ops::column_means(rows, cols, s(x, x_len), divisor, sm(out, out_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        pub unsafe extern "C" fn $activate(code: f64, rows: f64, cols: f64, x: *mut $t, x_len: usize) -> u32 {
            status(ops::activate(code, rows, cols, sm(x, x_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        pub unsafe extern "C" fn $activation_backward(
            code: f64,
            rows: f64,
            cols: f64,
            a: *const $t,
            a_len: usize,
            delta: *mut $t,
            delta_len: usize,
        ) -> u32 {
            status(ops::activation_backward(code, rows, cols, s(a, a_len), sm(delta, delta_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        pub unsafe extern "C" fn $subtract(
            length: f64,
            p: *const $t,
            p_len: usize,
            y: *const $t,
            y_len: usize,
            out: *mut $t,
            out_len: usize,
        ) -> u32 {
            status(ops::subtract(length, s(p, p_len), s(y, y_len), sm(out, out_len)))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $finish_weight_gradient(
            length: f64,
            g: *mut $t,
            g_len: usize,
            w: *const $t,
            w_len: usize,
            alpha: f64,
            l1: f64,
            divisor: f64,
        ) -> u32 {
            status(ops::finish_weight_gradient(length, sm(g, g_len), s(w, w_len), alpha, l1, divisor))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $sgd_step(
            length: f64,
            p: *mut $t,
            p_len: usize,
            g: *const $t,
            g_len: usize,
            v: *mut $t,
            v_len: usize,
            lr: f64,
            momentum: f64,
            nesterov: u32,
        ) -> u32 {
            status(ops::sgd_step(length, sm(p, p_len), s(g, g_len), sm(v, v_len), lr, momentum, nesterov != 0))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $adam_step(
            length: f64,
            p: *mut $t,
            p_len: usize,
            g: *const $t,
            g_len: usize,
            m: *mut $t,
            m_len: usize,
            v: *mut $t,
            v_len: usize,
            lr_t: f64,
            beta1: f64,
            beta2: f64,
            epsilon: f64,
        ) -> u32 {
            status(ops::adam_step(length, sm(p, p_len), s(g, g_len), sm(m, m_len), sm(v, v_len), lr_t, beta1, beta2, epsilon))
        }

        /// The sum is written to `*out` (one f64).
        ///
        /// # Safety
        /// See `s`; `out` is 8 bytes of the arena.
        #[no_mangle]
        pub unsafe extern "C" fn $sum_squares(length: f64, x: *const $t, x_len: usize, out: *mut f64) -> u32 {
            status(ops::sum_squares(length, s(x, x_len)).map(|v| *out = v))
        }

        /// The sum is written to `*out` (one f64).
        ///
        /// # Safety
        /// See `s`; `out` is 8 bytes of the arena.
        #[no_mangle]
        pub unsafe extern "C" fn $sum_abs(length: f64, x: *const $t, x_len: usize, out: *mut f64) -> u32 {
            status(ops::sum_abs(length, s(x, x_len)).map(|v| *out = v))
        }

        /// # Safety
        /// See `s`.
        #[no_mangle]
        #[allow(clippy::too_many_arguments)]
        pub unsafe extern "C" fn $gather_rows(
            cols: f64,
            src: *const $t,
            src_len: usize,
            indices: *const i32,
            indices_len: usize,
            start: f64,
            count: f64,
            dst: *mut $t,
            dst_len: usize,
        ) -> u32 {
            status(ops::gather_rows(cols, s(src, src_len), s(indices, indices_len), start, count, sm(dst, dst_len)))
        }
    };
}

exports!(
    f64,
    gemm_f64,
    add_row_vector_f64,
    column_means_f64,
    activate_f64,
    activation_backward_f64,
    subtract_f64,
    finish_weight_gradient_f64,
    sgd_step_f64,
    adam_step_f64,
    sum_squares_f64,
    sum_abs_f64,
    gather_rows_f64,
    linear_forward_f64,
    linear_backward_f64,
    weight_gradient_f64
);
exports!(
    f32,
    gemm_f32,
    add_row_vector_f32,
    column_means_f32,
    activate_f32,
    activation_backward_f32,
    subtract_f32,
    finish_weight_gradient_f32,
    sgd_step_f32,
    adam_step_f32,
    sum_squares_f32,
    sum_abs_f32,
    gather_rows_f32,
    linear_forward_f32,
    linear_backward_f32,
    weight_gradient_f32
);
