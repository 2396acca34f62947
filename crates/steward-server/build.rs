// The dashboard's built files are compiled in: build again when they change
// (or appear, after `make web`).
fn main() {
    println!("cargo:rerun-if-changed=../../web/dist");
}
