//! `cargo run -p ccsa-ffi --features bindgen --bin uniffi-bindgen -- generate ...`:
//! the UniFFI generator, built from the same pinned uniffi as the runtime.

fn main() {
    uniffi::uniffi_bindgen_main()
}
