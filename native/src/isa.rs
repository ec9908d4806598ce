//! Which SIMD instruction set the gemm kernels run on, chosen at run time for the CPU they run on.
//!
//! Levels, best first: x86-64 `avx512` (avx512f), `avx2-fma` (avx2 + fma), `sse2` (the x86-64
//! baseline); arm64 `neon` (the arm64 baseline); anything else `generic` (plain Rust). The best
//! level the CPU has is the default. A lower level can be forced, to test each path on one machine
//! or to compare them: `FFNN_GEMM_ISA=sse2` in the environment (read once, at the first product) or
//! `setGemmIsa('sse2')` from JS. Forcing a level the CPU lacks is refused: its instructions would
//! fault.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Isa {
    Generic = 1,
    Sse2 = 2,
    Neon = 3,
    Avx2Fma = 4,
    Avx512 = 5,
    Simd128 = 6,
}

impl Isa {
    pub const ALL: [Isa; 6] = [Isa::Avx512, Isa::Avx2Fma, Isa::Neon, Isa::Simd128, Isa::Sse2, Isa::Generic];

    pub fn name(self) -> &'static str {
        match self {
            Isa::Generic => "generic",
            Isa::Sse2 => "sse2",
            Isa::Neon => "neon",
            Isa::Avx2Fma => "avx2-fma",
            Isa::Avx512 => "avx512",
            Isa::Simd128 => "simd128",
        }
    }

    pub fn parse(name: &str) -> Option<Isa> {
        Isa::ALL.into_iter().find(|i| i.name() == name)
    }

    fn from_u8(x: u8) -> Isa {
        match x {
            2 => Isa::Sse2,
            3 => Isa::Neon,
            4 => Isa::Avx2Fma,
            5 => Isa::Avx512,
            6 => Isa::Simd128,
            _ => Isa::Generic,
        }
    }

    /// Whether this CPU can run this level's instructions.
    pub fn supported(self) -> bool {
        match self {
            Isa::Generic => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Sse2 => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2Fma => std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => true,
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Isa::Simd128 => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}

/// Every level this CPU can run, best first.
pub fn supported() -> Vec<Isa> {
    Isa::ALL.into_iter().filter(|i| i.supported()).collect()
}

/// The best level this CPU has.
pub fn detected() -> Isa {
    supported()[0]
}

/// 0: not chosen yet (the environment is read at the first use).
static ACTIVE: AtomicU8 = AtomicU8::new(0);

/// The level products run on now.
pub fn active() -> Isa {
    match ACTIVE.load(Ordering::Relaxed) {
        0 => {
            let isa =
                std::env::var("FFNN_GEMM_ISA").ok().and_then(|v| Isa::parse(v.trim())).filter(|i| i.supported()).unwrap_or_else(detected);
            ACTIVE.store(isa as u8, Ordering::Relaxed);
            isa
        }
        x => Isa::from_u8(x),
    }
}

/// Forces a level (None: back to the best detected). Err names the levels this CPU has.
pub fn force(isa: Option<Isa>) -> Result<Isa, String> {
    let isa = isa.unwrap_or_else(detected);
    if !isa.supported() {
        let have: Vec<&str> = supported().iter().map(|i| i.name()).collect();
        return Err(format!("this CPU cannot run {}; it has {}", isa.name(), have.join(", ")));
    }
    ACTIVE.store(isa as u8, Ordering::Relaxed);
    Ok(isa)
}

/// Runs `$body` (a call of an `#[inline(always)]` function generic over `T: Real`) compiled for
/// the active level, so the elementwise loops get the wide vectors the products use: the body is
/// instantiated inside a `#[target_feature]` function per x86-64 level (elsewhere, and below
/// AVX2, at the build's baseline: SSE2, NEON, simd128). Only plain IEEE arithmetic is used in the
/// bodies (no fused multiply-add), so every level computes the same bits.
macro_rules! on_active_isa {
    (<$t:ident> ($($arg:ident : $ty:ty),*) $(-> $ret:ty)? => $body:expr) => {{
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx2,fma")]
        unsafe fn avx512<$t: Real>($($arg: $ty),*) $(-> $ret)? {
            $body
        }
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn avx2<$t: Real>($($arg: $ty),*) $(-> $ret)? {
            $body
        }
        match $crate::isa::active() {
            // SAFETY: the active level is one the CPU has (isa::force refuses the others)
            #[cfg(target_arch = "x86_64")]
            $crate::isa::Isa::Avx512 => unsafe { avx512::<$t>($($arg),*) },
            #[cfg(target_arch = "x86_64")]
            $crate::isa::Isa::Avx2Fma => unsafe { avx2::<$t>($($arg),*) },
            _ => $body,
        }
    }};
}
pub(crate) use on_active_isa;
