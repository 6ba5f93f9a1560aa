//! Links the preprocessor with packed relative relocations (DT_RELR) where
//! the system that builds it can load them, and with the code its run does
//! not execute placed after the code it does (`link/cold-code.ld`, which says why).
//!
//! A position-independent binary carries a table telling the loader where to
//! add its load address: 14,000 entries of 24 bytes here (330 KB), read whole
//! at every start. Packed, the same table is 4 KB, so every `mdbook build`
//! maps 0.3–0.4 MiB less (measured on the benchmark books). glibc loads such
//! binaries from 2.36 on, and the linker then marks them so an older glibc
//! refuses them with a clear message rather than misloading them. So it is
//! asked for only when building for this very system, a Linux with glibc
//! 2.36 or later; linkers that do not know the option warn and go on.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if native && linux_gnu && host_glibc_loads_relr() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    // The linker script is asked for only where the linker is rustc's own
    // choice for Linux (LLD, or the system's GNU ld): both take INSERT.
    // Another linker (mold, gold) named in the build's flags may not.
    println!("cargo:rerun-if-changed=link/cold-code.ld");
    if native && linux_gnu && !var("CARGO_ENCODED_RUSTFLAGS").contains("-fuse-ld") {
        let script = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join("link/cold-code.ld");
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", script.display());
    }
}

/// Whether the glibc this build script runs on is 2.36 or later.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn host_glibc_loads_relr() -> bool {
    extern "C" {
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: glibc returns a pointer to its own static, NUL-terminated
    // version string ("2.36"), valid for the whole process.
    let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    let mut parts = version.to_str().unwrap_or("").split('.');
    let mut next = || parts.next().and_then(|p| p.parse::<u32>().ok());
    matches!((next(), next()), (Some(major), Some(minor)) if (major, minor) >= (2, 36))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn host_glibc_loads_relr() -> bool {
    false
}
