fn main() {
    println!("helm-audit {}", env!("CARGO_PKG_VERSION"));
}
