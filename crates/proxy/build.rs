//! Rebuilds when a migration is added under `migrations/` (refinery embeds the files at
//! compile time, and a new file is not one the compiler was told about).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
