//! The two storage dtypes. Every elementwise kernel reads a stored value into f64, computes in
//! f64 and rounds once when it stores, exactly like the TypeScript reference (a JS number is an
//! f64 and a Float32Array store rounds). So the float32 kernels agree with js.ts to the last bit
//! except where libm and V8 differ by an ulp; only gemm computes natively in f32 (sgemm).

#[allow(dead_code)] // DTYPE labels benchmark rows
pub trait Real: Copy + Send + Sync + 'static {
    const DTYPE: &'static str;
    fn to_f64(self) -> f64;
    fn from_f64(x: f64) -> Self;
}

impl Real for f64 {
    const DTYPE: &'static str = "float64";
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x
    }
}

impl Real for f32 {
    const DTYPE: &'static str = "float32";
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}
